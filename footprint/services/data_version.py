"""A study's data version: a token that changes with anything its report prints.

The draft PDF cache (reports/draft_cache.py) keys a file by (study, token, language, code
version, settings), so a repeat download reads one row instead of rebuilding the report's
inputs and the Monte Carlo analysis.

Every write path is covered because the token is changed by **model signals**, registered here
and only here (`connect`, called by FootprintConfig.ready): the forms and services, the admin,
the API, the importer, the commands and django-simple-history's reverts all save models.
A shared record changes the token of every study that prints it:

| saved or deleted           | studies whose token changes                                  |
|----------------------------|--------------------------------------------------------------|
| Study (fields, auditors)   | that study                                                   |
| StudyProduct, StudyClaim, VerificationTeamMember, StudyTransition, StudyGwpChange | its study |
| LifecycleStage             | the study of its product                                     |
| ActivityRecord             | the study of its stage                                       |
| Product                    | every study of that product                                  |
| Company                    | every study of that company                                  |
| EmissionFactor             | every study with an activity using it                        |
| GwpSetVersion, GwpValue    | every study (the sensitivity table prints every set)         |
| User (names, organisation, certificate) | the studies it audits, leads or whose timeline names it |

Writes that send no signal — `QuerySet.update()`, `bulk_create` — call `touch_*` themselves
(the importer, the revision copy, the reference data loader, the factor versioning); the
study's images, which are files, call `touch_studies` from services/entry/images.py.
`tests/services/test_data_version.py` saves through each path and checks the token moved.

Many saves in one service (a stage editor page of 50 rows) are folded into one UPDATE per
kind by `batch()`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from ..models import (
    ActivityRecord,
    Company,
    EmissionFactor,
    GwpSetVersion,
    GwpValue,
    LifecycleStage,
    Product,
    Study,
    StudyClaim,
    StudyDataVersion,
    StudyGwpChange,
    StudyProduct,
    StudyTransition,
    User,
    VerificationTeamMember,
)

ALL = "__all__"
# Study lookups by the kind of id a signal carries.
_LOOKUPS = {
    "study": "pk",
    "study_product": "study_products",
    "stage": "study_products__stages",
    "product": "study_products__product",
    "company": "company",
    "factor": "study_products__stages__activities__factor",
}
# A login writes these; no report prints them.
_USER_UNPRINTED = frozenset({"last_login", "password"})
# Saved alone, these change nothing printed.
_UNPRINTED = frozenset({"updated_at"})

_pending: contextvars.ContextVar[dict[str, set] | None] = contextvars.ContextVar("data_version_pending",
                                                                                 default=None)


def _new_token() -> str:
    return uuid.uuid4().hex


def _studies(kind: str, ids) -> Q | None:
    if kind == ALL:
        return Q()
    if kind == "user":
        ids = list(ids)
        return Q(auditors__in=ids) | Q(lead_verifier__in=ids) | Q(transitions__user__in=ids)
    return Q(**{f"{_LOOKUPS[kind]}__in": list(ids)})


def _apply(kind: str, ids) -> None:
    condition = _studies(kind, ids)
    versions = StudyDataVersion.objects.all()
    if kind != ALL:
        versions = versions.filter(study__in=Study.objects.filter(condition).values("pk"))
    versions.update(token=_new_token(), changed_at=timezone.now())


def touch(kind: str, ids) -> None:
    """Give a new token to the studies that print the records `ids` of `kind` (a key of
    `_LOOKUPS`, "user", or ALL with any ids). Inside `batch()` the change waits for its end."""
    ids = {i for i in ids if i is not None}
    if not ids and kind != ALL:
        return
    pending = _pending.get()
    if pending is not None:
        pending.setdefault(kind, set()).update(ids or {0})
        return
    _apply(kind, ids)


def touch_studies(study_ids) -> None:
    touch("study", study_ids)


def touch_all() -> None:
    touch(ALL, ())


@contextlib.contextmanager
def batch():
    """Fold the token changes of many saves into one UPDATE per kind, run at the end of the
    block (inside the caller's transaction, if any)."""
    if _pending.get() is not None:  # nested: the outer block applies them
        yield
        return
    pending: dict[str, set] = {}
    reset = _pending.set(pending)
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _pending.reset(reset)
        # A failed block inside a transaction is rolled back whole: nothing to change (and a
        # broken transaction would refuse the UPDATE).
        if not (failed and connection.in_atomic_block):
            if ALL in pending:  # every study: the others are included
                _apply(ALL, ())
            else:
                for kind, ids in pending.items():
                    _apply(kind, ids)


def batched(function):
    """`batch()` around every call of `function`."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with batch():
            return function(*args, **kwargs)
    return wrapper


def study_token(study: Study) -> str:
    """The study's current token; a study without one gets one now."""
    return study_tokens([study])[study.pk]


def study_tokens(studies) -> dict[int, str]:
    """The current token of each study, in one query; studies without one get one now."""
    ids = [s.pk for s in studies]
    tokens = dict(StudyDataVersion.objects.filter(study_id__in=ids).values_list("study_id", "token"))
    missing = [pk for pk in ids if pk not in tokens]
    if missing:
        try:
            with transaction.atomic():
                StudyDataVersion.objects.bulk_create(
                    [StudyDataVersion(study_id=pk, token=_new_token()) for pk in missing],
                    ignore_conflicts=True)  # one created meanwhile by another request stays
        except IntegrityError:
            pass
        tokens.update(StudyDataVersion.objects.filter(study_id__in=missing).values_list("study_id", "token"))
    return tokens


# ------------------------------------------------------------------ signals
def _record_ids(kind: str):
    """A receiver that changes the token of the studies that print the saved record."""
    def receiver(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw:  # loaddata (restore): the archive's own tokens come with it
            return
        if update_fields is not None and set(update_fields) <= _UNPRINTED:
            return  # `save(update_fields=["updated_at"])`: a service marking the study as worked on
        touch(kind, [_id_of(kind, instance)])
    return receiver


def _id_of(kind: str, instance):
    return {
        "study": lambda i: i.pk if isinstance(i, Study) else i.study_id,
        "study_product": lambda i: i.study_product_id,
        "stage": lambda i: i.stage_id,
        "product": lambda i: i.pk,
        "company": lambda i: i.pk,
        "factor": lambda i: i.pk,
    }[kind](instance)


def _gwp(sender, instance, raw=False, **kwargs):
    if not raw:
        touch_all()


def _user(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= _USER_UNPRINTED):
        return
    touch("user", [instance.pk])


def _auditors(sender, instance, action, pk_set=None, model=None, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Study):
        touch_studies([instance.pk])
    else:  # changed from the user's side: user.assigned_studies.add(study)
        touch_studies(pk_set or Study.objects.filter(auditors=instance).values_list("pk", flat=True))


_RECEIVERS = [
    (Study, "study"),
    (StudyProduct, "study"),
    (StudyClaim, "study"),
    (VerificationTeamMember, "study"),
    (StudyTransition, "study"),
    (StudyGwpChange, "study"),
    (LifecycleStage, "study_product"),
    (ActivityRecord, "stage"),
    (Product, "product"),
    (Company, "company"),
    (EmissionFactor, "factor"),
]
_connected: list = []


def connect() -> None:
    """Register the receivers (once: FootprintConfig.ready)."""
    if _connected:
        return
    for model, kind in _RECEIVERS:
        receiver = _record_ids(kind)
        _connected.append(receiver)  # signals hold weak references
        uid = f"data_version:{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
    for model in (GwpSetVersion, GwpValue):
        post_save.connect(_gwp, sender=model, dispatch_uid=f"data_version:{model.__name__}")
        post_delete.connect(_gwp, sender=model, dispatch_uid=f"data_version:{model.__name__}")
    post_save.connect(_user, sender=User, dispatch_uid="data_version:User")
    # Before: the user's auditor assignments go with it.
    pre_delete.connect(_user, sender=User, dispatch_uid="data_version:User")
    m2m_changed.connect(_auditors, sender=Study.auditors.through, dispatch_uid="data_version:auditors")
