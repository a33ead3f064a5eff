from django.apps import AppConfig


class RegieConfig(AppConfig):
    name = "wijkregie.regie"
    label = "regie"

    def ready(self) -> None:
        from wijkregie.learning import hooks
        from wijkregie.regie import plan_rules, rules
        from wijkregie.regie.models_intervention import RuleKind
        from wijkregie.regie.progress_feed import goal_statuses

        rules.register(RuleKind.MEASURE_OVERDUE, plan_rules.measure_overdue)
        rules.register(RuleKind.GOAL_OFF_PATH, plan_rules.goal_off_path)
        # The learning circle's programme view shows each area's goals as traffic lights.
        hooks.register_goal_status_provider(goal_statuses)
