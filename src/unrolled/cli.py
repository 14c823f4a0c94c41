"""The ``unrolled`` command line.

    unrolled bench                 our layers against the built-ins (chapter 10's table):
                                   median and IQR of interleaved rounds
    unrolled bench --lengths       time and memory against sequence length

Adding a subcommand: write ``add_<name>_arguments(parser)`` and ``<name>(args) -> int``
(the exit status), and register both in :data:`COMMANDS`.
"""

import argparse
import json
import sys

DEFAULT_LENGTHS = (25, 50, 100, 200)


# ------------------------------------------------------------------------------ bench

def _int_list(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _name_list(allowed):
    def parse(text):
        names = [v.strip().lower() for v in text.split(",") if v.strip()]
        bad = [n for n in names if n not in allowed]
        if not names or bad:
            raise argparse.ArgumentTypeError(f"choose from {','.join(allowed)}; got {text!r}")
        return names

    return parse


def add_bench_arguments(p):
    p.add_argument("--batch", "-B", type=int, default=64, help="batch size B (default 64)")
    p.add_argument("--steps", "-T", type=int, default=100,
                   help="sequence length T (default 100)")
    p.add_argument("--input", "-I", type=int, default=64, help="input size I (default 64)")
    p.add_argument("--hidden", "-H", type=int, default=128, help="hidden size H (default 128)")
    p.add_argument("--repeats", type=int, default=7,
                   help="interleaved rounds; median and IQR over them (default 7)")
    p.add_argument("--warmup", type=int, default=2, help="untimed calls first (default 2)")
    p.add_argument("--min-time", type=float, default=0.05,
                   help="seconds per measurement (calls are batched to last this long)")
    p.add_argument("--frameworks", type=_name_list(("torch", "keras")),
                   default=["torch", "keras"], help="comma-separated: torch,keras (default both)")
    p.add_argument("--kinds", type=_name_list(("lstm", "gru", "rnn")), default=None,
                   help="layers: lstm,gru,rnn (default lstm,gru; lstm with --lengths)")
    p.add_argument("--devices", type=_name_list(("cpu", "cuda")), default=None,
                   help="PyTorch devices (default cpu, plus cuda when available)")
    p.add_argument("--lengths", type=_int_list, nargs="?", const=list(DEFAULT_LENGTHS),
                   default=None, metavar="T1,T2,...",
                   help="instead: time and memory against sequence length "
                        f"(default lengths {','.join(map(str, DEFAULT_LENGTHS))})")
    p.add_argument("--threads", type=int, default=None,
                   help="CPU threads for PyTorch and TensorFlow (default: "
                        "unrolled.env.threads(), i.e. UNROLLED_THREADS or 1)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")


def bench(args):
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's chatter out
    from unrolled import bench as b
    from unrolled.env import threads

    n = args.threads or threads()

    def say(msg):  # progress on stderr, so stdout stays a clean table / JSON
        print(f"  measuring {msg} ...", file=sys.stderr, flush=True)

    common = dict(batch=args.batch, input_size=args.input, hidden=args.hidden,
                  repeats=args.repeats, warmup=args.warmup, frameworks=args.frameworks,
                  devices=args.devices, threads=n, min_time=args.min_time,
                  progress=None if args.json else say)
    spread = (f"median and IQR of {args.repeats} interleaved rounds, "
              f"{n} CPU thread{'s' if n > 1 else ''}")
    if args.lengths:
        kinds = args.kinds or ["lstm"]
        rows = b.bench_lengths(lengths=args.lengths, kinds=kinds, **common)
        title = (f"Forward+backward against sequence length: B={args.batch}, "
                 f"I={args.input}, H={args.hidden}; {spread}")
        config = dict(common, lengths=args.lengths, kinds=kinds, table="lengths")
    else:
        kinds = args.kinds or ["lstm", "gru"]
        rows = b.bench_layers(steps=args.steps, kinds=kinds, **common)
        title = (f"Ours vs built-in: B={args.batch}, T={args.steps}, I={args.input}, "
                 f"H={args.hidden}; {spread}")
        config = dict(common, steps=args.steps, kinds=kinds, table="layers")
    config.pop("progress")
    env = b.environment(args.frameworks)
    if args.json:
        print(json.dumps({"config": config, "environment": env, "rows": rows}, indent=2))
        return 0
    print(title)
    print(", ".join(f"{k} {v}" for k, v in env.items() if v is not None))
    print()
    print(b.format_table(rows))
    return 0


# --------------------------------------------------------------------- registration

#: subcommand -> (help, add_arguments(parser), run(args) -> exit status)
from unrolled.grading.command import configure as add_grade_arguments  # noqa: E402
from unrolled.grading.command import run as grade  # noqa: E402

COMMANDS = {
    "bench": ("performance tables: our layers against the built-ins", add_bench_arguments, bench),
    "grade": ("autograde an exercise notebook, hidden tests included", add_grade_arguments, grade),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="unrolled", description="Unrolled: an open course on recurrent neural networks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_, add_arguments, _) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        add_arguments(p)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return COMMANDS[args.command][2](args) or 0


if __name__ == "__main__":
    sys.exit(main())
