"""``python -m ssr_widgets.translation extract|update|typeset|compile|build-notebooks|build|check|status``.

- ``extract``: write the templates (``ssr_widgets/locale/*.pot``) from the English.
- ``update``: extract, merge into the French catalogues (changed English becomes fuzzy, removed English obsolete)
  and compile them. Run it after any change to the English; then translate what ``check`` lists.
- ``typeset``: put French spacing into the French catalogues (a no-break space before : ; ? ! and inside « »,
  see ``typography.py``), then compile them and build the notebooks.
- ``compile``: compile the run-time catalogues (``ui``, ``content``, ``trainer``) to ``.mo`` after editing a
  ``.po`` file.
- ``build-notebooks``: write ``notebooks/fr/`` for every notebook whose text is all translated and current.
- ``build``: ``compile`` then ``build-notebooks`` (after translating).
- ``check [--only FILE_OR_DOMAIN ...]``: list every missing, fuzzy or out-of-step entry with its file and context;
  exit 1 if there is one. ``--only 01_concept.yml --only ui`` checks a part of the course.
- ``status``: entries, translated, fuzzy and missing, per English file.
"""

from __future__ import annotations

import argparse
import sys

from .catalogue import Project, build_notebooks, check, compile_catalogues, extract, status, typeset, update


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ssr_widgets.translation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["extract", "update", "typeset", "compile", "build-notebooks", "build",
                                            "check", "status"])
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--only", action="append", default=[], metavar="FILE_OR_DOMAIN",
                        help="check only these English files (01_concept.yml, 00_welcome.ipynb) or domains (ui)")
    args = parser.parse_args(argv)
    project = Project.here()
    if args.command == "extract":
        from .catalogue import DOMAINS, _po_bytes, _write_if_changed

        for domain in DOMAINS:
            if _write_if_changed(project.pot(domain), _po_bytes(extract(project, domain))):
                print(f"wrote {project.pot(domain).name}")
    elif args.command == "update":
        for path in update(project, [args.lang]):
            print(f"wrote {path.relative_to(project.package.parent)}")
    elif args.command == "typeset":
        for path in typeset(project, [args.lang]):
            print(f"wrote {path.relative_to(project.package.parent)}")
    if args.command in ("compile", "build", "typeset"):
        for path in compile_catalogues(project, [args.lang]):
            print(f"wrote {path.relative_to(project.package.parent)}")
    if args.command in ("build-notebooks", "build", "typeset"):
        built = build_notebooks(project, args.lang)
        print(f"notebooks/{args.lang}/: {', '.join(built) or 'none ready yet'}")
    elif args.command == "check":
        problems = check(project, args.lang, args.only)
        for p in problems:
            print(p)
        scope = ", ".join(args.only) or "the whole course"
        print(f"{len(problems)} problem(s) in {scope}" if problems else f"{scope}: complete and current")
        return 1 if problems else 0
    elif args.command == "status":
        rows = status(project, args.lang)
        width = max(len(f) for _d, f, *_ in rows)
        print(f"{'domain':<10} {'file':<{width}} {'entries':>7} {'done':>6} {'fuzzy':>6} {'missing':>7}")
        for domain, file, total, done, fuzzy, missing in rows:
            print(f"{domain:<10} {file:<{width}} {total:>7} {done:>6} {fuzzy:>6} {missing:>7}")
        totals = [sum(r[i] for r in rows) for i in range(2, 6)]
        print(f"{'all':<10} {'':<{width}} {totals[0]:>7} {totals[1]:>6} {totals[2]:>6} {totals[3]:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
