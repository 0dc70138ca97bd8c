"""CKEditor wiring: our toolbar config, the upload URL, and a CSRF-checked image upload."""

from ckeditor.widgets import CKEditorWidget
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from articles.images import clean_image
from articles.models import Photo


class NewsroomEditorWidget(CKEditorWidget):
    """CKEditor with the newsroom toolbar, uploading images into the photo library."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config_name", "newsroom")
        super().__init__(*args, **kwargs)
        upload_url = reverse_lazy("articles:editor_upload")
        self.config["filebrowserUploadUrl"] = upload_url
        self.config["filebrowserImageUploadUrl"] = upload_url
        self.config["uploadUrl"] = upload_url
        self.config["imageUploadUrl"] = upload_url

    @property
    def media(self):
        return super().media + type(super().media)(js=["articles/editor-csrf.js"])


def _error(message, status=400):
    return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


@require_POST
@login_required
def editor_upload(request):
    """Receive an image pasted or uploaded in CKEditor; store it as a library Photo.

    CSRF-protected (the editor sends the token as X-CSRFToken), staff with
    permission to write articles only, images only, re-encoded without metadata.
    """
    user = request.user
    if not (user.is_staff and user.has_perm("articles.add_article")):
        return _error("Bạn không có quyền tải ảnh lên.", status=403)
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return _error("Không nhận được tệp ảnh.")
    try:
        clean = clean_image(uploaded)
    except ValidationError as error:
        return _error(error.messages[0])
    photo = Photo(uploaded_by=user, original_filename=uploaded.name[:255])
    photo.image.save(f"upload.{clean.extension}", clean.content, save=False)
    photo.save()
    return JsonResponse({"uploaded": 1, "fileName": photo.image.name, "url": photo.image.url})
