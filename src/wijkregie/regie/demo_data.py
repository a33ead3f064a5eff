"""Demo steps of the regie app (autodiscovered)."""

from __future__ import annotations

from wijkregie.demo.loader import DemoContext, demo_step
from wijkregie.regie import demo_escalation


@demo_step(order=85)
def build_escalation_demo(context: DemoContext) -> None:
    demo_escalation.build(context)
