//! Start cost: a process, a thread and a task, each started, run to its end and waited for.
//!
//! lesson-processes' `start_a_process` (this program started again as the lesson's worker,
//! answering a ping), `start_a_thread` and `start_a_task`, one after another, many times over.

use lesson_kit::measure::format_duration;
use lesson_processes::start_cost::{start_a_process, start_a_task, start_a_thread};

use super::{Context, progress};
use crate::plan::Plan;
use crate::report::{Row, Section};
use crate::stats::{Spread, Unit};

pub fn run(plan: &Plan, context: &Context) -> anyhow::Result<Section> {
    progress(&format!(
        "Start cost: {} processes, threads and tasks",
        plan.starts
    ));
    // One thread runs the tasks, as in lesson-processes: no other thread is involved.
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let (mut process, mut thread, mut task) = (Spread::new(), Spread::new(), Spread::new());
    for _ in 0..plan.starts {
        process.push_duration(start_a_process(&context.own_program)?);
        thread.push_duration(start_a_thread());
        task.push_duration(runtime.block_on(start_a_task()));
    }
    let rows = vec![
        Row::against(
            "start a process, ping it, wait for it to exit",
            Unit::Seconds,
            &process,
            format!("a thread: {}", format_duration_of(&thread)),
            process.median() / thread.median(),
        ),
        Row::against(
            "start a thread and join it",
            Unit::Seconds,
            &thread,
            format!("a task: {}", format_duration_of(&task)),
            thread.median() / task.median(),
        ),
        Row::reference("spawn a tokio task and await it", Unit::Seconds, &task),
    ];
    Ok(Section {
        title: "Start cost: process, thread, task".to_string(),
        intro: format!(
            "Each started {} times, one at a time, timed from \"start it\" to \"it has finished \
             and we know\"; the median start with the fastest and slowest. The process is this \
             program, started again as lesson-processes' worker (it answers a ping and exits).",
            plan.starts
        ),
        rows,
        reading: "Ratio: this start ÷ the next cheaper one.".to_string(),
        notes: vec![format!(
            "A process costs as much as {:.0} tasks.",
            process.median() / task.median()
        )],
        ..Section::default()
    })
}

fn format_duration_of(spread: &Spread) -> String {
    format_duration(std::time::Duration::from_secs_f64(spread.median().max(0.0)))
}
