"""A progress bar for management commands, fed by the ``progress(fraction, message)``
callbacks that services and jobs use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from tqdm import tqdm

Progress = Callable[[float, str], None]


@contextmanager
def command_progress(command: BaseCommand, verbosity: int = 1) -> Iterator[Progress]:
    """Yield a callback drawing a percentage bar on the command's stderr."""
    with tqdm(total=100, unit="%", disable=verbosity == 0, file=command.stderr._out) as bar:
        def progress(fraction: float, message: str) -> None:
            bar.set_description(message)
            bar.update(round(fraction * 100) - bar.n)

        yield progress


def no_progress(fraction: float, message: str) -> None:
    """The default callback where nobody watches."""
