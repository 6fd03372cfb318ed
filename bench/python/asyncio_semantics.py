"""Two asyncio facts the course states, checked on this interpreter rather than assumed.

1. When does a task made with `asyncio.create_task` first run? `create_task` only schedules it.
   It runs once the caller hands the event loop a turn: at an `await` that suspends (here
   `asyncio.sleep(0)`), not at an `await` of a coroutine that finishes without suspending.
2. What catches `asyncio.CancelledError`? Since Python 3.8 it is a `BaseException`, not an
   `Exception`: `except Exception` lets a cancellation through, while a bare `except:` or
   `except BaseException` swallows it, and the cancelled task then ends as if nothing happened.

Prints one line of JSON: the Python version; for create_task, whether the task had run at each
point; for cancellation, the class's bases and, for each except clause, "cancelled" (the
cancellation went through) or "swallowed" (the task ended normally).
"""

import asyncio
import json
import platform


async def finishes_without_suspending():
    return "done"


async def when_does_a_task_run():
    ran = []

    async def note_that_it_ran():
        ran.append(True)

    child = asyncio.create_task(note_that_it_ran())
    after_create_task = bool(ran)
    await finishes_without_suspending()
    after_await_without_suspending = bool(ran)
    await asyncio.sleep(0)
    after_sleep_0 = bool(ran)
    await child
    return {
        "ran_right_after_create_task": after_create_task,
        "ran_after_await_that_does_not_suspend": after_await_without_suspending,
        "ran_after_await_asyncio_sleep_0": after_sleep_0,
    }


async def guarded_by_except_exception():
    try:
        await asyncio.sleep(3600)
    except Exception:
        return "swallowed"


async def guarded_by_bare_except():
    try:
        await asyncio.sleep(3600)
    except:  # noqa: E722 (the point of the check)
        return "swallowed"


async def guarded_by_except_base_exception():
    try:
        await asyncio.sleep(3600)
    except BaseException:
        return "swallowed"


async def who_catches_a_cancellation():
    outcomes = {}
    for name, guarded in [("except Exception", guarded_by_except_exception),
                          ("bare except", guarded_by_bare_except),
                          ("except BaseException", guarded_by_except_base_exception)]:
        task = asyncio.create_task(guarded())
        await asyncio.sleep(0)  # let it reach its sleep
        task.cancel()
        try:
            await task
            outcomes[name] = "swallowed"  # the task ended normally: nobody sees it was cancelled
        except asyncio.CancelledError:
            outcomes[name] = "cancelled"  # the cancellation went through
    return {
        "cancelled_error_is_exception": issubclass(asyncio.CancelledError, Exception),
        "cancelled_error_is_base_exception": issubclass(asyncio.CancelledError, BaseException),
        "outcomes": outcomes,
    }


async def main():
    return {
        "python": platform.python_version(),
        "create_task": await when_does_a_task_run(),
        "cancellation": await who_catches_a_cancellation(),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
