//! Parse + validate + render of the built-in default spec, per target and for all targets.
//! Run: `cargo bench --bench generate`. Figures are recorded in docs/performance.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mwaagen::render::{render, Target};

fn default_spec(c: &mut Criterion) {
    let source = mwaagen::default_source();
    // Parse the templates once, outside the measurement, as a long-running process would.
    let _ = mwaagen::generate(std::slice::from_ref(&source), Target::ALL);

    c.bench_function("compile (parse + validate + lower)", |b| {
        b.iter(|| mwaagen::compile(black_box(&source)).map(|ir| ir.resources.len()))
    });
    for target in Target::ALL {
        c.bench_function(&format!("compile + render {}", target.name()), |b| {
            b.iter(|| {
                let ir = mwaagen::compile(black_box(&source)).ok()?;
                render(&ir, *target).ok().map(|f| f.len())
            })
        });
    }
    c.bench_function("compile + render all targets", |b| {
        b.iter(|| mwaagen::generate(black_box(std::slice::from_ref(&source)), Target::ALL).map(|f| f.len()).ok())
    });
}

criterion_group!(benches, default_spec);
criterion_main!(benches);
