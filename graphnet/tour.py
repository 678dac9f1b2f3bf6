"""The guided tour: ``graphnet-tour`` (README's first command).

It grows chapter by chapter; each chapter prints what it shows and writes its
pictures under ``--out``.
"""
import argparse
import pathlib


def main(argv=None):
    parser = argparse.ArgumentParser(prog="graphnet-tour", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="graphnet-tour",
                        help="folder for the pictures and pages (default: ./graphnet-tour)")
    parser.add_argument("--fast", action="store_true", help="fewer epochs (for tests)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from .examples import chapter1, digits
    chapter1.tour(out)
    digits.tour(out, epochs=3 if args.fast else 15)
    print(f"Everything the tour wrote is in {out.resolve()}")


if __name__ == "__main__":
    main()
