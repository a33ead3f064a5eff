"""Models of the learning app."""

from wijkregie.learning.federation.models import HubMember, PublishedDocument  # noqa: F401
