"""CKEditor wiring: our toolbar config, a CSRF-checked image upload, and library browsing.

Both go through the photo library: an uploaded image becomes a `Photo` (checked and
re-encoded by `articles.images`), and "Duyệt ảnh trên máy chủ" lists library photos.
"""

import re

from ckeditor.widgets import CKEditorWidget
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from articles import photo_library
from articles.images import clean_image
from articles.models import Photo
from articles.renditions import generate_renditions

BROWSE_PAGE_SIZE = 24
# CKEditor 4 names the editor's callback by a number; anything else is refused, so
# nothing from the query string can reach the page's script.
_FUNC_NUM = re.compile(r"[0-9]{1,9}")


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
    generate_renditions(photo)
    return JsonResponse({"uploaded": 1, "fileName": photo.image.name, "url": photo.image.url})


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
    paginator = Paginator(photos.order_by("-uploaded_at", "-id"), BROWSE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("Không có trang này.") from None
    keep = {"CKEditorFuncNum": func_num, "q": query}
    if request.GET.get("CKEditor"):
        keep["CKEditor"] = request.GET["CKEditor"]

    def page_url(number):
        return "?" + urlencode({**keep, "page": number})

    context = {
        "page": page,
        "query": query,
        "func_num": func_num,
        "keep": keep,
        "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
    }
    response = render(request, "articles/editor_browse.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
