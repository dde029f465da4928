"""Admin for the PACT data exchange: the clients (data recipients), their grants, the ids of
the published footprints and the events waiting to be sent. Imported by admin.py."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import PactClient, PactFootprint, PactGrant, PactOutboundEvent
from .services.pact.auth import set_secret


class PactClientForm(forms.ModelForm):
    # Only a hash is stored: the administrator types the secret and hands it to the client.
    secret = forms.CharField(
        label=_("新密钥"), required=False, strip=False, min_length=12, max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("仅保存哈希值。留空则保留原密钥；更改密钥后，已签发的令牌立即失效。"),
    )

    events_url = forms.URLField(
        label=PactClient._meta.get_field("events_url").verbose_name, required=False,
        assume_scheme="https", help_text=PactClient._meta.get_field("events_url").help_text)

    class Meta:
        model = PactClient
        fields = ("name", "client_id", "is_active", "events_url", "events_client_id",
                  "events_client_secret")
        widgets = {"events_client_secret": forms.PasswordInput(render_value=True)}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("secret"):
            self.add_error("secret", _("新客户端需要密钥。"))
        return cleaned

    def save(self, commit=True):
        client = super().save(commit=False)
        if self.cleaned_data.get("secret"):
            set_secret(client, self.cleaned_data["secret"])
        elif "is_active" in self.changed_data and not client.is_active:
            client.token_generation += 1  # a deactivated client's tokens end now
        if commit:
            client.save()
        return client


class PactGrantInline(admin.TabularInline):
    model = PactGrant
    extra = 0
    fields = ("company", "granted_by", "created_at")
    readonly_fields = ("granted_by", "created_at")


@admin.register(PactClient)
class PactClientAdmin(SimpleHistoryAdmin):
    form = PactClientForm
    list_display = ("name", "client_id", "is_active", "events_url", "created_at")
    search_fields = ("name", "client_id")
    inlines = [PactGrantInline]


@admin.register(PactFootprint)
class PactFootprintAdmin(admin.ModelAdmin):
    list_display = ("id", "study_product", "created_at")
    search_fields = ("id", "study_product__study__report_number", "study_product__product__code")
    readonly_fields = ("id", "study_product", "created_at")

    def has_add_permission(self, request):
        return False  # made when a study is issued, never by hand

    def has_delete_permission(self, request, obj=None):
        return False  # a published id is never taken back


@admin.register(PactOutboundEvent)
class PactOutboundEventAdmin(admin.ModelAdmin):
    list_display = ("client", "created_at", "attempts", "delivered_at", "abandoned", "last_error")
    list_filter = ("abandoned",)
    readonly_fields = ("client", "event", "attempts", "next_attempt_at", "delivered_at", "abandoned",
                       "last_error", "created_at")

    def has_add_permission(self, request):
        return False
