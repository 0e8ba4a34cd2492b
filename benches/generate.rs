//! Part 1 of the benchmark (docs/performance.md): parse + validate + render of the built-in
//! default spec, in process, per target and for all targets. Templates are parsed once per process
//! (see `render::engine`), before the measurements, as in any run; bench/run.py times whole
//! processes, template parsing included.
//!
//! Run: `cargo bench --bench generate` (add `-- --quick` for a rough figure in a few seconds).

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mwaagen::render::{render, Target};

fn default_spec(c: &mut Criterion) {
    let source = mwaagen::default_source();
    // Parse the templates once, outside the measurement, as a running process does once.
    let warm = mwaagen::generate(std::slice::from_ref(&source), Target::ALL);
    assert!(warm.is_ok_and(|files| !files.is_empty()), "the default spec generates");

    let mut group = c.benchmark_group("default spec");
    group.sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    group.bench_function("compile (parse + validate + lower)", |b| {
        b.iter(|| mwaagen::compile(black_box(&source)).map(|ir| ir.resources.len()))
    });
    for target in Target::ALL {
        group.bench_function(format!("compile + render {}", target.name()), |b| {
            b.iter(|| {
                let ir = mwaagen::compile(black_box(&source)).ok()?;
                render(&ir, *target).ok().map(|f| f.len())
            })
        });
    }
    group.bench_function("compile + render all targets, one thread", |b| {
        b.iter(|| {
            let ir = mwaagen::compile(black_box(&source)).ok()?;
            Target::ALL.iter().map(|t| render(&ir, *t).ok().map(|f| f.len())).sum::<Option<usize>>()
        })
    });
    group.bench_function("generate all targets (validate, then render in parallel)", |b| {
        b.iter(|| mwaagen::generate(black_box(std::slice::from_ref(&source)), Target::ALL).map(|f| f.len()).ok())
    });
    group.finish();
}

criterion_group!(benches, default_spec);
criterion_main!(benches);
