//! placeholder
#[must_use]
pub fn render() -> String {
    String::new()
}
