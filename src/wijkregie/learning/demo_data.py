"""Demo data of the learning app (modules named demo_data are autodiscovered)."""

from wijkregie.learning.federation import demo_data as federation_demo  # noqa: F401
