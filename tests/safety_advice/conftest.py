"""The safety advice tests' users: the demo adviser and a second adviser of the same
municipality for the four-eyes sign-off."""

import pytest
from django.contrib.auth.models import Group

from wijkregie.core.models import User
from wijkregie.core.roles import SAFETY_ADVISER


@pytest.fixture
def adviser(demo):
    return User.objects.get(username="adviseur")


@pytest.fixture
def second(adviser):
    user = User.objects.create_user(username="adviseur2", password="x-Very-long-pass-42",
                                    municipality=adviser.municipality,
                                    organisation=adviser.organisation)
    user.groups.add(Group.objects.get(name=SAFETY_ADVISER))
    return User.objects.get(pk=user.pk)
