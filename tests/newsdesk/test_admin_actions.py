"""Every admin action says which permission it needs, so view-only staff cannot run it."""

from django.contrib import admin


def _registered_actions() -> list[tuple[str, str, object]]:
    actions = []
    for model, model_admin in admin.site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            actions.append((model._meta.label, name, func))
    return actions


def test_every_registered_admin_action_declares_the_permissions_it_needs():
    undeclared = [
        f"{label}.{name}"
        for label, name, func in _registered_actions()
        if not getattr(func, "allowed_permissions", ())
    ]

    assert undeclared == []


def test_every_permission_an_action_declares_has_its_check_on_the_model_admin():
    missing = [
        f"{label}.{name}: has_{permission}_permission"
        for label, name, func in _registered_actions()
        for permission in getattr(func, "allowed_permissions", ())
        if not callable(
            getattr(admin.site._registry[_model(label)], f"has_{permission}_permission", None)
        )
    ]

    assert missing == []


def _model(label: str):
    return next(model for model in admin.site._registry if model._meta.label == label)


def test_the_walk_sees_the_actions_of_every_app():
    names = {name for _label, name, _func in _registered_actions()}

    assert {"extend_premium", "revoke_premium", "merge_selected", "split_into_new_story"} <= names
