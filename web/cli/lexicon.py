"""``socialekaart lexicon``: the search lexicon a region edits (socialekaart/catalog/lexicon.py)."""
from __future__ import annotations

from pathlib import Path

import click

from socialekaart.catalog.lexicon import check, default_lexicon_text, parse
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError
from web.cli.common import CliError


@click.group("lexicon")
def lexicon_group() -> None:
    """Het zoeklexicon: woorden van inwoners naar leefgebieden, doelgroepen, crisis en synoniemen."""


@lexicon_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def lexicon_check(file: Path | None) -> None:
    """Controleer een lexicon (tab-gescheiden: term, kind, target, note).

    Zonder FILE: het lexicon dat de zoekfunctie gebruikt (SOCIALEKAART_LEXICON_FILE of lexicon.tsv in
    de datamap), anders de meegeleverde lijst. Stopt met code 1 als er iets niet klopt.
    """
    if file is None:
        try:
            configured = Settings.from_env().lexicon_path
        except ConfigError as exc:
            raise CliError(f"Instelling ongeldig: {exc.message}") from None
        file = configured if configured.is_file() else None
    if file is not None and not file.is_file():
        raise CliError(f"Het bestand {file} bestaat niet.")
    try:
        text = file.read_text(encoding="utf-8") if file else default_lexicon_text()
    except UnicodeDecodeError:
        raise CliError(f"{file} is geen UTF-8-tekst. Sla het lexicon op als UTF-8.") from None
    name = str(file) if file else "het meegeleverde lexicon"
    problems = check(text)
    if problems:
        click.echo(f"{name}: {len(problems)} {'problemen' if len(problems) != 1 else 'probleem'} gevonden:", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    entries, _ = parse(text)
    kinds = {kind: sum(1 for e in entries if e.kind == kind) for kind in ("leefgebied", "doelgroep", "synonym",
                                                                            "crisis")}
    click.echo(f"{name}: in orde. {len(entries)} regels ({', '.join(f'{n} {k}' for k, n in kinds.items())}).")
