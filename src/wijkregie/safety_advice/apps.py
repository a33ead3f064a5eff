from django.apps import AppConfig


class SafetyAdviceConfig(AppConfig):
    name = "wijkregie.safety_advice"
    label = "safety_advice"

    def ready(self) -> None:
        from wijkregie.regie import rules
        from wijkregie.safety_advice import regie_link

        # A kind of the regie's escalation rules that lives with the conditions it reads.
        rules.register(regie_link.CONDITION_OVERDUE, regie_link.condition_overdue,
                       params=regie_link.clean_condition_params,
                       label=regie_link.CONDITION_OVERDUE_LABEL)
