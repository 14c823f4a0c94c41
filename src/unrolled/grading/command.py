"""``unrolled grade``: the command line of the grader.

``unrolled.cli`` registers it with ``add_parser(subparsers)``; it can also run alone:
``python -m unrolled.grading.command PATH``.

Exit status: 0 graded (whatever the score), 2 the input cannot be graded (not a
notebook, not an exercise), 1 grading itself failed.
"""

import argparse
import json
import sys


def configure(parser):
    parser.add_argument("notebook", help="the exercise notebook to grade (.ipynb)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: score, max_score, questions")
    parser.add_argument("--assignment", help="grade as this assignment (default: detected)")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds one cell may run before it is stopped (default: 60)")
    parser.add_argument("--verbose", action="store_true", help="show nbgrader's log")
    parser.set_defaults(func=run)
    return parser


def add_parser(subparsers):
    """Register ``grade`` on an argparse subparsers object."""
    p = subparsers.add_parser(
        "grade", help="autograde an exercise notebook (hidden tests included)",
        description="Autograde an exercise notebook with nbgrader, offline: a table of the "
                    "questions with their scores and what went wrong, and the total.")
    return configure(p)


def run(args):
    from .grader import GradingError, GradingFailed, format_result, grade

    try:
        result = grade(args.notebook, assignment=args.assignment, timeout=args.timeout,
                       verbose=args.verbose)
    except GradingError as exc:
        if args.json:
            print(json.dumps({"error": str(exc)}))
        print(f"unrolled grade: error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, GradingFailed) else 2
    print(json.dumps(result, indent=2) if args.json else format_result(result))
    return 0


def main(argv=None):
    parser = configure(argparse.ArgumentParser(prog="unrolled grade"))
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
