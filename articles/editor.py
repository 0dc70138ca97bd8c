"""CKEditor wiring: our toolbar config, a CSRF-checked image upload, and library browsing.

Both go through the photo library: an uploaded image becomes a `Photo` (checked and
re-encoded by `articles.images`), and "Duyệt ảnh trên máy chủ" lists library photos.

The editor's content filter is built from the server's allowlist (`articles.richtext`),
and our small CKEditor plugin (static/articles/ckeditor-newsroom/plugin.js) lets
image2's caption keep the photo credit and supplies the Vietnamese labels CKEditor's
own `vi` language file lacks. The image dialog (static/articles/ckeditor-photo/plugin.js)
asks for the photo's caption, credit and alt text and stores them on the library photo
through `editor_photo`; it reads what the library already has through
`editor_photo_lookup`.
"""

import re

from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from articles import image_work, photo_library, richtext
from articles.images import clean_image
from articles.models import Photo
from articles.renditions import thumbnail_for
from articles.text import clean_line

BROWSE_PAGE_SIZE = 24
# CKEditor 4 names the editor's callback by a number; anything else is refused, so
# nothing from the query string can reach the page's script.
_FUNC_NUM = re.compile(r"[0-9]{1,9}")


class NewsroomEditorWidget(CKEditorWidget):
    """CKEditor with the newsroom toolbar, uploading images into the photo library."""

    # Our CKEditor plugins: name -> static file.
    plugins = {
        "newsroom": "articles/ckeditor-newsroom/plugin.js",
        "newsroomphoto": "articles/ckeditor-photo/plugin.js",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config_name", "newsroom")
        super().__init__(*args, **kwargs)
        # Exactly what the server keeps: what the editor drops would be lost on the next
        # save, what the server drops would vanish after the editor showed it.
        self.config["allowedContent"] = richtext.editor_allowed_content()
        self.config["newsroomCaptionContent"] = richtext.editor_allowed_content(
            richtext.CAPTION_TAGS
        )
        self.config["image2_captionedClass"] = richtext.CAPTIONED_CLASS
        self.config["image2_alignClasses"] = list(richtext.ALIGN_CLASSES)
        self.config["extraPlugins"] = ",".join(
            [*filter(None, self.config.get("extraPlugins", "").split(",")), *self.plugins]
        )
        # The image dialog's caption, credit and alt text of library photos.
        self.config["newsroomPhotoLookupUrl"] = reverse_lazy("articles:editor_photo_lookup")
        self.config["newsroomPhotoUrl"] = reverse_lazy("articles:editor_photo", args=[0])
        upload_url = reverse_lazy("articles:editor_upload")
        self.config["filebrowserUploadUrl"] = upload_url
        self.config["filebrowserImageUploadUrl"] = upload_url
        self.config["uploadUrl"] = upload_url
        self.config["imageUploadUrl"] = upload_url
        # The image dialog's "Tải lên" tab: by XHR, so it carries the X-CSRFToken header
        # (the default HTML form post would carry CKEditor's own token only).
        self.config["filebrowserUploadMethod"] = "xhr"
        browse_url = reverse_lazy("articles:editor_browse")
        self.config["filebrowserBrowseUrl"] = browse_url
        self.config["filebrowserImageBrowseUrl"] = browse_url
        # Inside the editing area: CKEditor's own styles, then ours (images and figures
        # at most the column's width, text set like the article page).
        self.config["contentsCss"] = [
            static("ckeditor/ckeditor/contents.css"),
            static("articles/editor-contents.css"),
        ]

    def get_context(self, name, value, attrs):
        # Resolved per render: with the manifest storage the file name carries a hash.
        resources = []
        for plugin, path in self.plugins.items():
            directory, _slash, filename = static(path).rpartition("/")
            resources.append((plugin, directory + "/", filename))
        self.external_plugin_resources = resources
        return super().get_context(name, value, attrs)

    @property
    def media(self):
        return super().media + type(super().media)(js=["articles/editor-csrf.js"])


def _error(message, status=400):
    return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


# A caption is a sentence or two; far more is not a caption (and not stored as one).
CAPTION_MAX_CHARS = 2000

SESSION_EXPIRED = "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại."
NOT_IN_LIBRARY = (
    "Ảnh này không có trong thư viện ảnh của tòa soạn: hãy tải ảnh lên hoặc chọn ảnh "
    "trong thư viện."
)


class PhotoDetailsForm(forms.ModelForm):
    """What the image dialog asks for: caption and credit (both printed with the photo,
    both required before it goes into an article) and the alt text."""

    class Meta:
        model = Photo
        fields = ["caption", "credit", "alt_text"]
        error_messages = {
            "caption": {"required": _("Cần nhập chú thích ảnh.")},
            "credit": {
                "required": _("Cần ghi tác giả ảnh / nguồn."),
                "max_length": _("Tác giả ảnh / nguồn dài tối đa %(limit_value)d ký tự."),
            },
            "alt_text": {"max_length": _("Văn bản thay thế dài tối đa %(limit_value)d ký tự.")},
        }

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("caption", "credit"):
            self.fields[name].required = required
        caption = self.fields["caption"]
        caption.max_length = CAPTION_MAX_CHARS
        caption.validators.append(
            MaxLengthValidator(
                CAPTION_MAX_CHARS,
                message=_("Chú thích dài tối đa %(limit_value)d ký tự."),
            )
        )

    def clean(self):
        cleaned = super().clean()
        # NFC, no invisible characters, single spaces (the model fields store them so);
        # a caption of spaces and zero-width characters is no caption.
        for name in ("caption", "credit", "alt_text"):
            value = clean_line(cleaned.get(name) or "")
            if not value and self.fields[name].required and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
            cleaned[name] = value
        return cleaned


def photo_details(photo, user, can_edit=None):
    """What the dialog needs to know about a library photo."""
    if can_edit is None:
        can_edit = photo_library.can_edit_photo(user, photo)
    return {
        "id": photo.pk,
        "url": photo.image.url,
        "caption": photo.caption,
        "credit": photo.credit,
        "alt": photo.alt_text,
        "canEdit": can_edit,
    }


def _messages(form):
    return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def _json_error(message, status):
    return JsonResponse({"error": message}, status=status)


@require_POST
def editor_upload(request):
    """Receive an image pasted or uploaded in CKEditor; store it as a library Photo.

    CSRF-protected (the editor sends the token as X-CSRFToken), staff with
    permission to write articles only, images only, re-encoded without metadata.
    The image dialog may send the caption, credit and alt text along (optional here:
    a pasted image has none yet; the dialog and the publish check ask for them).
    """
    user = request.user
    if not user.is_authenticated:
        return _error(SESSION_EXPIRED, status=403)
    if not (user.is_staff and user.has_perm("articles.add_article")):
        return _error("Bạn không có quyền tải ảnh lên.", status=403)
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return _error("Không nhận được tệp ảnh.")
    details = PhotoDetailsForm(request.POST, required=False)
    if not details.is_valid():
        return _error(" ".join(m for errors in _messages(details).values() for m in errors))
    try:
        clean = clean_image(uploaded)
    except ValidationError as error:
        return _error(error.messages[0])
    photo = details.save(commit=False)
    photo.uploaded_by = user
    photo.original_filename = clean_line(uploaded.name)[:255]
    photo.image.save(f"upload.{clean.extension}", clean.content, save=False)
    try:
        # The row and its renditions' rows commit together (unless renditions are made
        # in the background): a worker killed midway leaves no photo with half its
        # renditions, only unreferenced files (cleanup_media).
        with transaction.atomic():
            photo.save()
            image_work.make_renditions(photo)
    except BaseException:
        photo.image.storage.delete(photo.image.name)  # renditions clean up their own
        raise
    return JsonResponse(
        {
            "uploaded": 1,
            "fileName": photo.image.name,
            "url": photo.image.url,
            "photo": photo_details(photo, user),
        }
    )


@require_GET
def editor_photo_lookup(request):
    """The library photo an image address shows (`?src=`), for the image dialog: its
    caption, credit, alt text and whether this user may change them. 404 for an
    address outside the library or a photo this user may not see."""
    user = request.user
    if not user.is_authenticated:
        return _json_error(SESSION_EXPIRED, 403)
    src = request.GET.get("src", "")
    photo = photo_library.library_photos_for([src]).get(src) if src else None
    if photo is None or not photo_library.visible_photos(user).filter(pk=photo.pk).exists():
        return _json_error(NOT_IN_LIBRARY, 404)
    return JsonResponse({"photo": photo_details(photo, user)})


@require_POST
def editor_photo(request, pk):
    """Save the caption, credit and alt text the image dialog asked for on the library
    photo. CSRF-protected; caption and credit required (Vietnamese messages, nothing
    saved on a refusal); only for who may edit the photo (`photo_library.can_edit_photo`:
    a reporter their own uploads, editors any photo; a photo readers see changes only
    with the right to publish). A photo this user may not see is a 404."""
    user = request.user
    if not user.is_authenticated:
        return _json_error(SESSION_EXPIRED, 403)
    photo = get_object_or_404(photo_library.visible_photos(user), pk=pk)
    if not photo_library.can_edit_photo(user, photo):
        return _json_error(
            "Bạn không được sửa thông tin của ảnh này trong thư viện (ảnh của người khác, "
            "hoặc ảnh đang hiển thị trong bài đã xuất bản: cần quyền xuất bản).",
            403,
        )
    form = PhotoDetailsForm(request.POST, instance=photo)
    if not form.is_valid():
        return JsonResponse({"errors": _messages(form)}, status=400)
    form.save()
    return JsonResponse({"photo": photo_details(photo, user)})


@require_GET
@login_required
def editor_browse(request):
    """CKEditor's "browse server" window: the library photos this user may see
    (`photo_library.visible_photos`), newest first, searchable accent-insensitively,
    24 a page. Clicking a photo hands its address back to the editor through
    `window.opener.CKEDITOR.tools.callFunction(CKEditorFuncNum, url)`.

    `CKEditorFuncNum` must be digits (400 otherwise); a bad page number is a 404.
    """
    user = request.user
    if not (user.is_staff and user.has_perm("articles.view_photo")):
        return HttpResponseForbidden("Bạn không có quyền xem thư viện ảnh.")
    func_num = request.GET.get("CKEditorFuncNum", "")
    if not _FUNC_NUM.fullmatch(func_num):
        return HttpResponse("Thiếu hoặc sai tham số CKEditorFuncNum.", status=400)
    query = request.GET.get("q", "")
    photos = photo_library.search_photos(photo_library.visible_photos(user), query)
    photos = photos.order_by("-uploaded_at", "-id")
    paginator = Paginator(photos, BROWSE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("Không có trang này.") from None
    editable = photo_library.editable_photo_ids(user, page.object_list)
    keep = {"CKEditorFuncNum": func_num, "q": query}
    if request.GET.get("CKEditor"):
        keep["CKEditor"] = request.GET["CKEditor"]

    def page_url(number):
        return "?" + urlencode({**keep, "page": number})

    context = {
        "page": page,
        "photos": [
            {
                "photo": photo,
                "thumbnail": thumbnail_for(photo),
                "details": photo_details(photo, user, can_edit=photo.pk in editable),
            }
            for photo in page.object_list
        ],
        "query": query,
        "func_num": func_num,
        "keep": keep,
        "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
    }
    response = render(request, "articles/editor_browse.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
