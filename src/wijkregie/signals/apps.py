from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "wijkregie.signals"
    label = "signals"

    def ready(self) -> None:
        from wijkregie.core.audit import register_index_check
        from wijkregie.signals import administration
        from wijkregie.signals.access_index import verify_subject_index

        administration.register()
        # `audit verify` also checks the person index against the hashed events.
        register_index_check(verify_subject_index)
