"""Questions that build on earlier answers, graded on their own.

A later question (a layer on a step, ``fast_lstm`` on ``fused_lstm_step``) is scored
with the course's reference for the earlier part, so that one slip costs one question::

    with uses_reference(globals(), rnn_step=reference_rnn_step):
        ...the scored tests of rnn_forward...
    with_yours_as_well("rnn_step", "rnn_forward", run_the_tests_again)

``uses_reference`` rebinds the earlier names in the test cell's namespace for the
duration of the block and puts the learner's own back afterwards (even on failure).
``with_yours_as_well`` runs the same tests with the learner's own earlier answer and only
prints what happened: it never costs points, and a failure there names the earlier
question, not this one.
"""

import contextlib

_MISSING = object()


@contextlib.contextmanager
def uses_reference(namespace, **references):
    """Bind ``references`` (name -> object) in ``namespace`` while the block runs."""
    saved = {name: namespace.get(name, _MISSING) for name in references}
    namespace.update(references)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def with_yours_as_well(earlier, later, test):
    """Run ``test()`` with the learner's own ``earlier`` answer; print the outcome.

    Returns True when it passed. Not scored: ``earlier`` has its own question.
    """
    label = f"With your own {earlier} as well (not scored here)"
    try:
        test()
    except NotImplementedError:
        print(f"{label}: {earlier} is not answered yet; {later} was checked with the "
              f"course's {earlier}.")
        return False
    except Exception as exc:  # noqa: BLE001 - any failure is only reported
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"{label}: {later} with your {earlier} does not match yet. {later} itself "
              f"is right (checked with the course's {earlier}); see the question on "
              f"{earlier}. ({first})")
        return False
    print(f"{label}: passes.")
    return True
