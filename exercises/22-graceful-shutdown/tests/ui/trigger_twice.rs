// A shutdown happens once: triggering the same `Shutdown` twice must not compile.

use graceful_shutdown::Shutdown;

fn main() {
    let shutdown = Shutdown::new();
    shutdown.trigger();
    shutdown.trigger();
}
