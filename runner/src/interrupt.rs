//! Ctrl-C (or a closed terminal, or a polite `kill`) while programs run: kill their process
//! groups, then exit as a program ended by that signal would (130 for Ctrl-C).
//!
//! The signals are caught by signal-hook and handled on a thread of its own, so the handling is
//! ordinary code: it takes the lock on the table of running groups and kills each. A program is
//! started while holding that same lock and entered in the table before it is released, so a
//! signal that arrives mid-start waits for the new group and kills it too: no child is orphaned.

use std::io;
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;

use rustix::process::{Pid, Signal, kill_process_group};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

/// The process groups of the programs running now, from every thread.
static RUNNING: Mutex<Vec<Pid>> = Mutex::new(Vec::new());

/// A running program's process group, in the table for as long as this lives.
pub struct Group {
    id: Pid,
}

impl Group {
    /// Kills every process in the group. One already gone is what was wanted anyway.
    pub fn kill(&self) {
        let _ = kill_process_group(self.id, Signal::KILL);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let mut running = running();
        if let Some(index) = running.iter().position(|id| *id == self.id) {
            running.swap_remove(index);
        }
    }
}

/// Starts `command` (set up to lead a process group of its own) and enters its group in the
/// table, with no signal handled in between. `prepare` wraps the spawn itself, under the same
/// lock: no other program is started meanwhile.
pub fn spawn_in_group(
    command: &mut Command,
    prepare: impl FnOnce(&mut dyn FnMut() -> io::Result<Child>) -> io::Result<Child>,
) -> io::Result<(Child, Group)> {
    install_handler()?;
    let mut running = running();
    let child = prepare(&mut || command.spawn())?;
    let id = Pid::from_child(&child);
    running.push(id);
    Ok((child, Group { id }))
}

fn running() -> MutexGuard<'static, Vec<Pid>> {
    // Nothing panics while holding the lock; if something had, the table is still right.
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts the thread that handles the signals, once per process (a failed attempt is tried again
/// at the next start of a program).
fn install_handler() -> io::Result<()> {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if *installed {
        return Ok(());
    }
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])
        .map_err(|error| explained("cannot catch Ctrl-C", error))?;
    thread::Builder::new()
        .name("runner-signals".to_string())
        .spawn(move || {
            // The first signal ends the process: there is no second to wait for.
            if let Some(signal) = signals.forever().next() {
                let running = running();
                for id in running.iter() {
                    let _ = kill_process_group(*id, Signal::KILL);
                }
                std::process::exit(128 + signal);
            }
        })
        .map_err(|error| explained("cannot start the thread that handles Ctrl-C", error))?;
    *installed = true;
    Ok(())
}

/// `error`, saying what the runner was doing when it happened.
fn explained(what: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}
