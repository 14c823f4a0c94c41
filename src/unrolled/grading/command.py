"""``unrolled grade``: the command line of the grader.

``unrolled.cli`` adds these arguments to its ``grade`` command (``configure``) and calls
``run``; it can also run alone: ``python -m unrolled.grading.command PATH``.

Exit status: 0 graded (whatever the score, a notebook that killed its kernel included),
2 the input cannot be graded (not a notebook, not an exercise), 1 the kernel could not
be started.
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
    parser.add_argument("--keep", metavar="PATH",
                        help="also write the graded notebook (with its outputs) to PATH")
    return parser


def run(args):
    from .grader import GradingError, GradingFailed, format_result, grade, to_json

    try:
        result = grade(args.notebook, assignment=args.assignment, timeout=args.timeout,
                       keep=args.keep)
    except GradingError as exc:
        if args.json:
            print(json.dumps({"error": str(exc)}))
        print(f"unrolled grade: error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, GradingFailed) else 2
    print(to_json(result) if args.json else format_result(result))
    return 0


def main(argv=None):
    parser = configure(argparse.ArgumentParser(prog="unrolled grade"))
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
