"""Product images of a study (report section 2.3): list, upload, caption, delete, thumbnails.

Thumbnails are served here, for users who may see the study, never from a public media URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import get_study_for_edit, get_study_for_user
from ..forms.images import StudyImageCaptionForm, StudyImageUploadForm
from ..services.entry import images as image_services
from ..services.freeze import StudyFrozenError, study_is_editable
from .studies import _refuse_if_frozen


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _caption_form(index: int, *args, **kwargs) -> StudyImageCaptionForm:
    # One small form per image on the page: distinct ids, the same field name.
    return StudyImageCaptionForm(*args, auto_id=f"id_image{index}_%s", **kwargs)


def _page(request, study, *, upload_form=None, bound_caption=None):
    """The images page; `bound_caption` = (name, form) of a caption that was refused."""
    images = []
    for index, image in enumerate(image_services.study_images(study)):
        if bound_caption and bound_caption[0] == image.name:
            form = bound_caption[1]
        else:
            form = _caption_form(index, initial={"caption": image.caption})
        images.append({"image": image, "form": form})
    return render(request, "footprint/studies/images.html", {
        "study": study,
        "images": images,
        "upload_form": upload_form or StudyImageUploadForm(),
        "editable": study_is_editable(study),
        "may_edit": True,
        "max_mb": f"{image_services.max_upload_bytes() / 1024 / 1024:g}",
    })


@login_required
def study_images(request, report_number):
    """GET: the images; POST: upload one."""
    study = get_study_for_edit(request.user, report_number)
    if request.method != "POST":
        return _page(request, study)
    form = StudyImageUploadForm(request.POST, request.FILES)
    if _refuse_if_frozen(request, study):
        return redirect("study_images", report_number=report_number)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        if upload.size > image_services.max_upload_bytes():
            # Refused before reading it into memory.
            form.add_error("image", _("图片不能超过 %(mb)s MB。") % {
                "mb": f"{image_services.max_upload_bytes() / 1024 / 1024:g}"})
        else:
            try:
                image = image_services.study_image_add(
                    study=study, data=upload.read(), filename=upload.name,
                    caption=form.cleaned_data["caption"])
            except StudyFrozenError as exc:
                messages.error(request, str(exc))
                return redirect("study_images", report_number=report_number)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("图片“%(caption)s”已上传。") % {"caption": image.caption})
                return redirect("study_images", report_number=report_number)
    return _page(request, study, upload_form=form)


@login_required
@require_POST
def study_image_caption(request, report_number, name):
    study = get_study_for_edit(request.user, report_number)
    names = [image.name for image in image_services.study_images(study)]
    if name not in names:
        raise Http404
    if _refuse_if_frozen(request, study):
        return redirect("study_images", report_number=report_number)
    form = _caption_form(names.index(name), request.POST)
    if form.is_valid():
        try:
            image_services.study_image_rename(study=study, name=name, caption=form.cleaned_data["caption"])
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
            return redirect("study_images", report_number=report_number)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("图片说明已保存。"))
            return redirect("study_images", report_number=report_number)
    return _page(request, study, bound_caption=(name, form))


@login_required
@require_POST
def study_image_delete(request, report_number, name):
    study = get_study_for_edit(request.user, report_number)
    if image_services.existing_image(study, name) is None:
        raise Http404
    if not _refuse_if_frozen(request, study):
        try:
            image_services.study_image_delete(study=study, name=name)
        except (StudyFrozenError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("图片“%(caption)s”已删除。") % {
                "caption": image_services.caption_of(name)})
    return redirect("study_images", report_number=report_number)


@login_required
@require_GET
def study_image_thumbnail(request, report_number, name):
    study = get_study_for_user(request.user, report_number)
    path = image_services.existing_image(study, name)
    if path is None:
        raise Http404
    data, content_type = image_services.study_image_thumbnail(path)
    response = HttpResponse(data, content_type=content_type)
    # The page links thumbnails with ?v=<modification time>: a changed file gets a new URL.
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
