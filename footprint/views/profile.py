"""A user's own particulars (name, e-mail, organisation, certificate number)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms.profile import ProfileForm
from ..selectors import is_staff_role
from ..services.entry.profiles import user_profile_update
from .companies import _next_url


@login_required
def profile(request):
    user = request.user
    staff = is_staff_role(user)
    form = ProfileForm(request.POST or None, staff=staff, initial={
        "name": user.get_full_name(), "email": user.email,
        "organisation": user.organisation, "certificate_number": user.certificate_number,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_profile_update(
                user=user, name=data["name"], email=data["email"],
                organisation=data.get("organisation", user.organisation),
                certificate_number=data.get("certificate_number", user.certificate_number),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("个人资料已保存。"))
            return redirect(_next_url(request, request.path))
    return render(request, "footprint/profile.html", {"form": form, "next": _next_url(request, "")})
