"""Demo content for a fresh install: masthead, sections, bylines, accounts and sample news.

Every name, quote, figure and licence here is invented for demonstration. The
content lets a developer or reviewer see each public surface filled in, plus two
drafts and one scheduled article that must stay hidden from readers.

Seeding is idempotent: rows are looked up by slug or username and only created
when missing, so running it again creates nothing and changes nothing (except
passwords, when asked to set them).
"""

import functools
import io
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from articles import services
from articles.images import clean_image
from articles.models import (
    Article,
    ArticlePhoto,
    ArticleTag,
    Author,
    Byline,
    Category,
    EventThread,
    Photo,
    SiteSettings,
    index_articles,
)
from articles.renditions import generate_renditions
from articles.search import html_to_text, terms
from articles.text import fold, vietnamese_slugify

# ---------------------------------------------------------------------------
# Masthead, sections, accounts, bylines
# ---------------------------------------------------------------------------

SITE_SETTINGS = {
    "site_name": "Báo Công Thương",
    "hotline": "0866.59.4498",
    "contact_email": "toasoan@baocongthuong.example",
    "address": "Số 1 phố Mẫu, phường Hoàn Kiếm, Hà Nội (địa chỉ mẫu)",
    "owner_agency": "Bộ Công Thương",
    "editor_in_chief": "Nguyễn Văn An (tên mẫu)",
    "licence_number": "000/GP-BTTTT (giấy phép mẫu)",
    "licence_date": date(2021, 1, 15),
    "licence_issuer": "Bộ Văn hóa, Thể thao và Du lịch",
}

# (name, description, [(child name, child description), ...]); menu order is list order.
CATEGORIES = [
    (
        "Thời sự",
        "Tin thời sự, chính sách và hoạt động chỉ đạo, điều hành của ngành Công Thương.",
        [],
    ),
    (
        "Công Thương",
        "Sản xuất công nghiệp, thương mại và khuyến công.",
        [
            ("Công nghiệp", "Công nghiệp chế biến, công nghiệp hỗ trợ, cơ khí chế tạo."),
            ("Thương mại điện tử", "Mua bán trực tuyến, sàn thương mại điện tử và kinh tế số."),
        ],
    ),
    (
        "Kinh tế",
        "Kinh tế vĩ mô, đầu tư, doanh nghiệp và xuất nhập khẩu.",
        [
            ("Xuất nhập khẩu", "Hoạt động xuất khẩu, nhập khẩu và các hiệp định thương mại."),
            ("Đầu tư", "Dòng vốn đầu tư trong nước và nước ngoài, khu công nghiệp."),
            ("Doanh nghiệp", "Hoạt động sản xuất, kinh doanh và kiến nghị của doanh nghiệp."),
        ],
    ),
    (
        "Thị trường",
        "Diễn biến cung cầu, giá cả và hoạt động bán lẻ.",
        [
            ("Giá cả", "Giá hàng hóa thiết yếu, lương thực, thực phẩm."),
            ("Hàng Việt", "Hàng Việt Nam, sản phẩm OCOP và các chương trình kết nối tiêu thụ."),
        ],
    ),
    (
        "Năng lượng",
        "Điện, xăng dầu, năng lượng tái tạo và sử dụng năng lượng tiết kiệm.",
        [
            ("Điện", "Cung ứng điện, lưới điện và thị trường điện."),
            ("Xăng dầu", "Điều hành giá và kinh doanh xăng dầu."),
            ("Năng lượng tái tạo", "Điện mặt trời, điện gió và chuyển dịch năng lượng."),
        ],
    ),
    ("Địa phương", "Tin công thương từ các tỉnh, thành phố.", []),
    (
        "Pháp luật",
        "Chính sách pháp luật, chống buôn lậu, hàng giả và gian lận thương mại.",
        [("Quản lý thị trường", "Hoạt động kiểm tra, kiểm soát thị trường.")],
    ),
    ("Xã hội", "Đời sống người lao động, người tiêu dùng và an sinh xã hội.", []),
]

# One account per newsroom role; the group names are those of migration 0002.
ROLE_ACCOUNTS = [
    ("phongvien", "Phóng viên / Cộng tác viên"),
    ("bientapvien", "Biên tập viên"),
    ("thukytoasoan", "Thư ký tòa soạn"),
    ("tongbientap", "Tổng biên tập / Phó tổng biên tập"),
]
SUPERUSER = "admin"
SUPERUSER_ROLE = "Quản trị hệ thống (superuser)"
# The managing editor (thư ký tòa soạn) holds publish_article, so sample articles are
# published in that account's name.
PUBLISHER = "thukytoasoan"

# (pen name, account or None, bio). "Hoàng Anh" is a second pen name of the reporter.
AUTHORS = [
    ("Minh Thư", "phongvien", "Phóng viên mảng xuất nhập khẩu và thị trường."),
    ("Hoàng Anh", "phongvien", "Bút danh viết về năng lượng của phóng viên Minh Thư."),
    ("Ngọc Lan", "bientapvien", "Biên tập viên ban Kinh tế."),
    ("Đức Minh", "thukytoasoan", "Thư ký tòa soạn, phụ trách mảng công nghiệp."),
    ("Quang Huy", "tongbientap", "Bình luận về chính sách công thương."),
    ("Thu Hường", None, "Cộng tác viên khu vực phía Nam."),
    ("PV", None, ""),
    ("Theo TTXVN", None, "Tin, bài sử dụng lại từ Thông tấn xã Việt Nam."),
]

# ---------------------------------------------------------------------------
# Sample articles (all invented)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPhoto:
    label: str  # drawn large on the picture
    caption: str
    credit: str
    alt: str


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str  # slug
    sapo: str
    # HTML blocks separated by blank lines; "{figure}" marks where `figure` goes.
    body: str
    authors: tuple[str, ...]  # pen names, in print order
    # Published this many hours before seeding; negative = scheduled in the future.
    hours_ago: float
    lead: DemoPhoto | None = None
    figure: DemoPhoto | None = None
    featured: bool = False
    draft: bool = False
    # For a draft: already sent to the editors, so the "Chờ biên tập" queue is not empty.
    submitted: bool = False


ARTICLES = [
    DemoArticle(
        title="Xuất khẩu rau quả khởi sắc nhờ mở cửa thêm nhiều thị trường",
        category="xuat-nhap-khau",
        featured=True,
        authors=("Minh Thư",),
        hours_ago=2,
        sapo="""Nhiều loại trái cây tươi của Việt Nam vừa được cấp phép vào các thị trường có
        yêu cầu kỹ thuật cao, mở ra dư địa tăng trưởng mới cho ngành rau quả. Tuy vậy,
        doanh nghiệp vẫn phải đầu tư nhiều hơn cho vùng trồng và khâu bảo quản sau thu
        hoạch.""",
        body="""
        <p>Theo tổng hợp từ các doanh nghiệp trong ngành, kim ngạch xuất khẩu rau quả từ
        đầu năm đến nay tăng khoảng 25% so với cùng kỳ. Sầu riêng, thanh long, chuối và xoài
        tiếp tục là những mặt hàng chủ lực, trong khi bưởi và dừa tươi ghi nhận mức tăng
        đáng chú ý.</p>

        <p>Việc các nước nhập khẩu lần lượt mở cửa cho trái cây tươi giúp nông sản Việt giảm
        phụ thuộc vào một vài thị trường truyền thống. Nhiều hợp tác xã ở Đồng bằng sông Cửu
        Long đã chủ động đăng ký mã số vùng trồng, ghi chép nhật ký canh tác để đáp ứng yêu
        cầu truy xuất nguồn gốc.</p>

        {figure}

        <h2>Bảo quản vẫn là điểm nghẽn</h2>

        <p>Ông Trần Văn Lộc, Giám đốc một công ty thu mua trái cây tại Đồng Tháp, cho biết
        chi phí kho lạnh và vận chuyển chiếm tỷ trọng lớn trong giá thành. “Nếu không có hệ
        thống bảo quản đạt chuẩn, hàng đi xa dễ hư hỏng và doanh nghiệp phải chịu thiệt”,
        ông nói.</p>

        <p>Các chuyên gia khuyến nghị doanh nghiệp liên kết chặt chẽ với nông dân, đầu tư công
        nghệ sơ chế, đóng gói và xây dựng thương hiệu chung cho từng loại trái cây chủ lực,
        thay vì cạnh tranh về giá.</p>
        """,
        lead=DemoPhoto(
            label="XUẤT KHẨU RAU QUẢ",
            caption="Đóng gói thanh long tại một cơ sở sơ chế ở Tây Ninh.",
            credit="Ảnh: Minh Thư",
            alt="Công nhân đóng gói thanh long vào thùng carton",
        ),
        figure=DemoPhoto(
            label="TRÁI CÂY TƯƠI",
            caption="Sầu riêng được phân loại trước khi đưa vào kho lạnh.",
            credit="Ảnh: Minh Thư",
            alt="Công nhân phân loại sầu riêng trong nhà xưởng",
        ),
    ),
    DemoArticle(
        title="Giá xăng dầu giảm nhẹ trong kỳ điều hành mới",
        category="xang-dau",
        authors=("Hoàng Anh",),
        hours_ago=5,
        sapo="""Từ 15 giờ chiều nay, giá các mặt hàng xăng dầu đồng loạt giảm nhẹ theo diễn
        biến của thị trường thế giới. Cơ quan điều hành không trích lập và không chi sử dụng
        Quỹ bình ổn giá trong kỳ này.""",
        body="""
        <p>Theo thông báo của cơ quan điều hành, giá xăng E5 RON 92 giảm 210 đồng/lít, xăng
        RON 95 giảm 250 đồng/lít so với kỳ trước. Giá dầu diesel và dầu hỏa giảm lần lượt
        180 đồng và 150 đồng mỗi lít.</p>

        <p>Giá thành phẩm xăng dầu thế giới trong kỳ vừa qua biến động theo chiều giảm do lo
        ngại về nhu cầu tiêu thụ và lượng tồn kho tăng tại một số nền kinh tế lớn.</p>

        <p>Các thương nhân đầu mối được yêu cầu bảo đảm nguồn cung, không để gián đoạn bán
        hàng tại hệ thống cửa hàng bán lẻ. Lực lượng quản lý thị trường tăng cường kiểm tra
        việc niêm yết giá và chấp hành quy định về đo lường, chất lượng.</p>
        """,
        lead=DemoPhoto(
            label="GIÁ XĂNG DẦU",
            caption="Người dân đổ xăng tại một cửa hàng bán lẻ ở Hà Nội.",
            credit="Ảnh: Hoàng Anh",
            alt="Nhân viên bơm xăng cho xe máy tại cửa hàng xăng dầu",
        ),
    ),
    DemoArticle(
        title="Điện mặt trời mái nhà tự sản tự tiêu: doanh nghiệp chờ hướng dẫn chi tiết",
        category="dien",
        authors=("Hoàng Anh", "Minh Thư"),
        hours_ago=9,
        sapo="""Nhiều doanh nghiệp sản xuất muốn lắp điện mặt trời trên mái nhà xưởng để giảm
        chi phí và đáp ứng yêu cầu xanh của đối tác. Tuy nhiên, thủ tục đăng ký và các tiêu
        chuẩn an toàn vẫn khiến họ còn băn khoăn.""",
        body="""
        <p>Tại một khu công nghiệp ở Bắc Ninh, nhiều nhà máy đã khảo sát diện tích mái và tính
        toán phương án đầu tư. Theo các doanh nghiệp, chi phí lắp đặt hệ thống điện mặt trời
        đã giảm đáng kể so với vài năm trước, thời gian hoàn vốn có thể rút xuống còn khoảng
        5–6 năm.</p>

        <blockquote><p>“Khách hàng châu Âu hỏi chúng tôi về tỷ lệ năng lượng tái tạo trong sản
        xuất. Điện mặt trời mái nhà là lựa chọn nhanh nhất”, đại diện một doanh nghiệp dệt
        may chia sẻ.</p></blockquote>

        <p>Dù vậy, doanh nghiệp mong muốn có hướng dẫn thống nhất về hồ sơ đăng ký, tiêu chuẩn
        thiết bị và phòng cháy, chữa cháy đối với hệ thống lắp trên mái nhà xưởng.</p>

        <p>Các chuyên gia năng lượng cho rằng điện mặt trời tự sản tự tiêu giúp giảm áp lực cho
        lưới điện vào giờ cao điểm, nhưng cần cơ chế giám sát để bảo đảm vận hành an toàn.</p>
        """,
        lead=DemoPhoto(
            label="ĐIỆN MẶT TRỜI MÁI NHÀ",
            caption="Hệ thống pin mặt trời trên mái một nhà xưởng tại Bắc Ninh.",
            credit="Ảnh: Hoàng Anh",
            alt="Các tấm pin mặt trời lắp trên mái nhà xưởng",
        ),
    ),
    DemoArticle(
        title="Bảo đảm cung ứng hàng hóa thiết yếu dịp cuối năm",
        category="thoi-su",
        featured=True,
        authors=("Theo TTXVN",),
        hours_ago=4,
        sapo="""Các doanh nghiệp phân phối được đề nghị xây dựng kế hoạch dự trữ hàng hóa, tránh
        để xảy ra tình trạng thiếu hàng, tăng giá đột biến. Các địa phương tăng cường kiểm
        tra, kiểm soát thị trường trong giai đoạn cao điểm mua sắm.""",
        body="""
        <p>Tại hội nghị triển khai công tác bình ổn thị trường cuối năm, đại diện cơ quan quản
        lý cho biết nguồn cung lương thực, thực phẩm và xăng dầu cơ bản được bảo đảm. Tuy
        nhiên, nhu cầu tiêu dùng tăng cao có thể gây áp lực cục bộ lên một số mặt hàng.</p>

        <blockquote><p>“Doanh nghiệp cần chủ động nguồn hàng, đa dạng kênh phân phối và niêm yết
        giá công khai, minh bạch”, đại diện cơ quan quản lý nhấn mạnh.</p></blockquote>

        <p>Các hệ thống siêu thị, cửa hàng tiện lợi cho biết đã tăng lượng hàng dự trữ từ 20
        đến 40% so với ngày thường, đồng thời phối hợp với nhà cung cấp triển khai các chương
        trình khuyến mại.</p>

        <p>Lực lượng quản lý thị trường sẽ tập trung kiểm tra các mặt hàng có nhu cầu cao như
        bánh kẹo, đồ uống, thực phẩm chế biến; kiên quyết xử lý hành vi đầu cơ, găm hàng và
        kinh doanh hàng giả.</p>
        """,
        lead=DemoPhoto(
            label="HÀNG HÓA CUỐI NĂM",
            caption="Quầy thực phẩm tại một siêu thị ở TP. Hồ Chí Minh.",
            credit="Ảnh: TTXVN",
            alt="Người tiêu dùng mua sắm tại quầy thực phẩm trong siêu thị",
        ),
    ),
    DemoArticle(
        title="Thương mại điện tử mở lối cho đặc sản vùng cao",
        category="thuong-mai-dien-tu",
        authors=("Minh Thư",),
        hours_ago=14,
        sapo="""Từ những gian hàng trực tuyến và các buổi bán hàng qua livestream, nhiều đặc sản
        vùng cao đã đến tay người tiêu dùng ở các thành phố lớn. Hợp tác xã và thanh niên địa
        phương đang dần làm quen với cách kinh doanh mới.""",
        body="""
        <p>Chỉ với chiếc điện thoại và giá đỡ, chị Lò Thị Hoa, thành viên một hợp tác xã ở Sơn
        La, mỗi tuần tổ chức ba buổi bán hàng trực tuyến giới thiệu mận sấy, chè và mật ong.
        Có buổi, hợp tác xã nhận hàng trăm đơn từ Hà Nội và TP. Hồ Chí Minh.</p>

        <p>Theo chị Hoa, điều quan trọng nhất là sản phẩm phải có bao bì, nhãn mác rõ ràng và
        được chứng nhận an toàn thực phẩm thì khách hàng mới yên tâm đặt mua.</p>

        {figure}

        <p>Ngành công thương địa phương đã phối hợp với các sàn thương mại điện tử mở lớp tập
        huấn kỹ năng chụp ảnh sản phẩm, viết mô tả và chăm sóc khách hàng. Nhiều sản phẩm đạt
        chứng nhận OCOP đã có gian hàng riêng trên các nền tảng lớn.</p>

        <p>Dù vậy, chi phí vận chuyển từ vùng sâu, vùng xa vẫn còn cao. Các hợp tác xã mong
        muốn được hỗ trợ xây dựng điểm gom hàng chung để giảm chi phí giao nhận.</p>
        """,
        lead=DemoPhoto(
            label="ĐẶC SẢN LÊN SÀN",
            caption="Thành viên hợp tác xã giới thiệu sản phẩm qua livestream.",
            credit="Ảnh: Minh Thư",
            alt="Người phụ nữ giới thiệu nông sản trước điện thoại",
        ),
        figure=DemoPhoto(
            label="MẬN SẤY SƠN LA",
            caption="Mận sấy được đóng gói, dán tem truy xuất nguồn gốc.",
            credit="Ảnh: Minh Thư",
            alt="Các túi mận sấy có dán tem truy xuất nguồn gốc",
        ),
    ),
    DemoArticle(
        title="Hội chợ hàng Việt về nông thôn thu hút đông người dân",
        category="hang-viet",
        authors=("Thu Hường",),
        hours_ago=20,
        sapo="""Phiên chợ hàng Việt tổ chức tại một xã ngoại thành Hà Nội đã thu hút hàng nghìn
        lượt khách tham quan, mua sắm. Nhiều mặt hàng thiết yếu được bán với giá ưu đãi.""",
        body="""
        <p>Phiên chợ có hơn 60 gian hàng của các doanh nghiệp sản xuất, phân phối hàng Việt,
        trưng bày đa dạng mặt hàng từ thực phẩm chế biến, đồ gia dụng đến quần áo, giày dép.
        Nhiều doanh nghiệp áp dụng chương trình giảm giá từ 10 đến 30%.</p>

        <p>Bà Nguyễn Thị Lan, một người dân địa phương, cho biết chợ họp gần nhà nên gia đình
        bà mua được hàng chính hãng, giá cả phải chăng mà không phải đi xa.</p>

        {figure}

        <p>Ban tổ chức cho biết, bên cạnh việc đưa hàng hóa về nông thôn, phiên chợ còn là dịp
        để doanh nghiệp tìm hiểu nhu cầu, thị hiếu của người tiêu dùng và mở rộng mạng lưới
        đại lý tại địa phương.</p>
        """,
        lead=DemoPhoto(
            label="HÀNG VIỆT VỀ NÔNG THÔN",
            caption="Người dân mua sắm tại phiên chợ hàng Việt.",
            credit="Ảnh: Thu Hường",
            alt="Người dân chọn mua hàng tại các gian hàng của phiên chợ",
        ),
        figure=DemoPhoto(
            label="GIAN HÀNG ƯU ĐÃI",
            caption="Nhiều gian hàng giảm giá sâu các mặt hàng thiết yếu.",
            credit="Ảnh: Thu Hường",
            alt="Gian hàng đồ gia dụng treo biển giảm giá",
        ),
    ),
    DemoArticle(
        title="Giá rau xanh tăng sau đợt mưa lớn kéo dài",
        category="gia-ca",
        authors=("PV",),
        hours_ago=26,
        sapo="""Mưa lớn nhiều ngày khiến nhiều vùng trồng rau bị ngập úng, nguồn cung về các chợ
        đầu mối giảm. Giá một số loại rau ăn lá tăng từ 20 đến 50% so với tuần trước.""",
        body="""
        <p>Khảo sát tại một số chợ dân sinh ở Hà Nội sáng nay cho thấy giá rau muống, rau cải
        và mồng tơi đều tăng. Tiểu thương cho biết lượng rau nhập về giảm gần một nửa, nhiều
        loại rau bị dập lá do mưa.</p>

        <p>Trong khi đó, giá các loại củ quả như bí, bầu, cà rốt tương đối ổn định do nguồn
        cung từ các tỉnh phía Nam vẫn dồi dào.</p>

        <p>Giá rau xanh được dự báo sẽ dần hạ nhiệt khi thời tiết thuận lợi trở lại và các
        vùng trồng khôi phục sản xuất. Người tiêu dùng nên mua rau tại các điểm bán có nguồn
        gốc rõ ràng.</p>
        """,
        lead=DemoPhoto(
            label="GIÁ RAU XANH",
            caption="Tiểu thương bán rau tại một chợ dân sinh ở Hà Nội.",
            credit="Ảnh: PV",
            alt="Sạp rau xanh tại chợ dân sinh",
        ),
    ),
    DemoArticle(
        title="Công nghiệp hỗ trợ: cơ hội tham gia chuỗi cung ứng toàn cầu",
        category="cong-nghiep",
        authors=("Đức Minh",),
        hours_ago=31,
        sapo="""Dòng vốn đầu tư vào lĩnh vực điện tử và ô tô đang tạo ra nhu cầu lớn về linh
        kiện sản xuất trong nước. Doanh nghiệp công nghiệp hỗ trợ Việt Nam đứng trước cơ hội
        nhưng cũng đối mặt với yêu cầu khắt khe về chất lượng.""",
        body="""
        <p>Nhiều tập đoàn đa quốc gia đang tìm nhà cung ứng tại Việt Nam nhằm rút ngắn chuỗi
        cung ứng và giảm rủi ro logistics. Các sản phẩm được quan tâm gồm khuôn mẫu, chi tiết
        cơ khí chính xác, linh kiện nhựa kỹ thuật và bao bì.</p>

        <h2>Đòi hỏi về chất lượng và quản trị</h2>

        <p>Để trở thành nhà cung cấp cấp một hoặc cấp hai, doanh nghiệp phải đáp ứng các tiêu
        chuẩn quản lý chất lượng quốc tế, bảo đảm tiến độ giao hàng và minh bạch về chi phí.
        Đây là rào cản không nhỏ với nhiều doanh nghiệp nhỏ và vừa.</p>

        <p>Ông Phạm Quốc Bảo, Giám đốc một công ty cơ khí chính xác tại Hải Phòng, cho biết
        doanh nghiệp mất gần hai năm cải tiến dây chuyền mới được đối tác chấp nhận. “Khó nhất
        là thay đổi tư duy, từ làm theo kinh nghiệm sang làm theo quy trình”, ông nói.</p>

        <p>Các chương trình phát triển công nghiệp hỗ trợ đang tập trung vào đào tạo nhân lực,
        tư vấn cải tiến sản xuất và kết nối doanh nghiệp Việt với các tập đoàn lớn.</p>
        """,
        lead=DemoPhoto(
            label="CÔNG NGHIỆP HỖ TRỢ",
            caption="Gia công chi tiết cơ khí chính xác tại một nhà máy ở Hải Phòng.",
            credit="Ảnh: Đức Minh",
            alt="Kỹ sư vận hành máy gia công cơ khí",
        ),
    ),
    DemoArticle(
        title="Thu giữ hơn 3.000 sản phẩm mỹ phẩm không rõ nguồn gốc",
        category="quan-ly-thi-truong",
        authors=("PV",),
        hours_ago=38,
        sapo="""Lực lượng quản lý thị trường vừa phát hiện một kho hàng chứa hơn 3.000 sản phẩm
        mỹ phẩm không có hóa đơn, chứng từ. Toàn bộ số hàng đã bị tạm giữ để xác minh, xử lý
        theo quy định.""",
        body="""
        <p>Qua công tác nắm địa bàn, đoàn kiểm tra đã tiến hành kiểm tra một kho hàng ở khu vực
        ven đô. Tại thời điểm kiểm tra, chủ kho không xuất trình được hóa đơn, chứng từ chứng
        minh nguồn gốc hợp pháp của hàng hóa.</p>

        <p>Số hàng vi phạm gồm kem dưỡng da, sữa rửa mặt, son môi và nước hoa, phần lớn có
        nhãn bằng tiếng nước ngoài, không có nhãn phụ tiếng Việt. Nhiều sản phẩm đang được rao
        bán trên mạng xã hội với giá rẻ hơn nhiều so với hàng chính hãng.</p>

        <p>Cơ quan chức năng khuyến cáo người tiêu dùng thận trọng khi mua mỹ phẩm trôi nổi,
        giá rẻ bất thường; nên chọn sản phẩm có nguồn gốc rõ ràng, mua tại cửa hàng uy tín.</p>
        """,
        lead=DemoPhoto(
            label="KIỂM TRA HÀNG LẬU",
            caption="Lực lượng chức năng kiểm đếm số mỹ phẩm bị tạm giữ.",
            credit="Ảnh: PV",
            alt="Cán bộ quản lý thị trường kiểm đếm các hộp mỹ phẩm",
        ),
    ),
    DemoArticle(
        title="Đắk Lắk: Nông dân phấn khởi vì cà phê được giá",
        category="dia-phuong",
        authors=("Thu Hường",),
        hours_ago=44,
        sapo="""Giá cà phê nhân duy trì ở mức cao giúp nhiều hộ trồng cà phê ở Tây Nguyên có thu
        nhập khá. Nông dân tập trung chăm sóc vườn cây, đầu tư tưới tiết kiệm và sản xuất theo
        hướng bền vững.""",
        body="""
        <p>Những ngày này, trên các rẫy cà phê ở Đắk Lắk, nông dân tất bật tỉa cành, bón phân
        cho vụ mới. Ông Y Khuê, một nông dân có 2 ha cà phê, cho biết nhờ giá bán tốt, gia
        đình ông đã trả hết nợ và có vốn đầu tư hệ thống tưới nhỏ giọt.</p>

        <p>Nhiều hợp tác xã đã liên kết với doanh nghiệp xuất khẩu, sản xuất cà phê đạt chứng
        nhận bền vững. Sản phẩm có truy xuất nguồn gốc được thu mua với giá cao hơn cà phê
        thông thường.</p>

        <p>Ngành nông nghiệp địa phương khuyến cáo người dân không ồ ạt mở rộng diện tích, chặt
        bỏ cây trồng khác để chuyển sang cà phê, mà nên tập trung nâng cao chất lượng, phát
        triển cà phê đặc sản.</p>
        """,
        lead=DemoPhoto(
            label="CÀ PHÊ TÂY NGUYÊN",
            caption="Nông dân chăm sóc vườn cà phê tại Đắk Lắk.",
            credit="Ảnh: Thu Hường",
            alt="Nông dân tỉa cành cây cà phê",
        ),
    ),
    DemoArticle(
        title="Doanh nghiệp nhỏ và vừa tìm cách tiếp cận vốn ưu đãi",
        category="doanh-nghiep",
        authors=("Ngọc Lan",),
        hours_ago=50,
        sapo="""Nhu cầu vốn để mở rộng sản xuất và đổi mới công nghệ của doanh nghiệp nhỏ và vừa
        rất lớn. Tuy nhiên, yêu cầu về tài sản bảo đảm và báo cáo tài chính khiến không ít
        doanh nghiệp vẫn khó tiếp cận các gói tín dụng ưu đãi.""",
        body="""
        <p>Tại một buổi đối thoại giữa doanh nghiệp và ngân hàng, nhiều chủ doanh nghiệp cho
        biết họ có đơn hàng nhưng thiếu vốn lưu động để nhập nguyên liệu. Thủ tục vay vốn còn
        phức tạp, thời gian thẩm định kéo dài.</p>

        <h2>Minh bạch tài chính là chìa khóa</h2>

        <p>Đại diện các ngân hàng thương mại cho biết, điều kiện tiên quyết để được vay vốn là
        phương án kinh doanh khả thi và sổ sách kế toán minh bạch. Nhiều doanh nghiệp nhỏ vẫn
        quản lý theo kiểu gia đình, chưa tách bạch tài chính cá nhân và doanh nghiệp.</p>

        <p>Các chuyên gia cho rằng quỹ bảo lãnh tín dụng và các chương trình tư vấn quản trị
        tài chính sẽ giúp thu hẹp khoảng cách giữa doanh nghiệp và ngân hàng.</p>
        """,
        lead=DemoPhoto(
            label="VỐN CHO DOANH NGHIỆP",
            caption="Doanh nghiệp trao đổi với cán bộ ngân hàng tại buổi đối thoại.",
            credit="Ảnh: Ngọc Lan",
            alt="Đại diện doanh nghiệp và ngân hàng trao đổi tại hội trường",
        ),
    ),
    DemoArticle(
        title="Điện gió ngoài khơi cần khung pháp lý rõ ràng để thu hút đầu tư",
        category="nang-luong-tai-tao",
        authors=("Hoàng Anh",),
        hours_ago=57,
        sapo="""Việt Nam có tiềm năng lớn về điện gió ngoài khơi, song các dự án đầu tiên vẫn chờ
        hoàn thiện quy định về khảo sát và giao khu vực biển. Nhà đầu tư mong muốn có lộ trình
        rõ ràng để yên tâm bỏ vốn.""",
        body="""
        <p>Với đường bờ biển dài và tốc độ gió ổn định ở nhiều vùng biển, điện gió ngoài khơi
        được xem là nguồn năng lượng quan trọng trong quá trình chuyển dịch năng lượng. Đây
        cũng là lĩnh vực đòi hỏi vốn lớn và thời gian chuẩn bị kéo dài nhiều năm.</p>

        <blockquote><p>“Nhà đầu tư cần biết trước cơ chế giá, quy trình cấp phép và trách nhiệm
        của các bên để tính toán hiệu quả dự án”, một chuyên gia năng lượng nhận định.</p>
        </blockquote>

        <p>Bên cạnh khung pháp lý, hạ tầng cảng biển, lưới điện truyền tải và nhân lực kỹ thuật
        cũng cần được chuẩn bị đồng bộ. Một số doanh nghiệp cơ khí trong nước đã bắt đầu sản
        xuất chân đế, tháp gió để tham gia chuỗi cung ứng.</p>
        """,
        lead=DemoPhoto(
            label="ĐIỆN GIÓ NGOÀI KHƠI",
            caption="Tuabin gió tại một dự án điện gió ven biển.",
            credit="Ảnh: Hoàng Anh",
            alt="Hàng tuabin gió trên bờ biển",
        ),
    ),
    DemoArticle(
        title="Học sinh hào hứng với cuộc thi tìm hiểu về tiết kiệm điện",
        category="xa-hoi",
        authors=("Ngọc Lan",),
        hours_ago=63,
        sapo="""Cuộc thi tìm hiểu về sử dụng năng lượng tiết kiệm, hiệu quả dành cho học sinh
        tiểu học đã thu hút hàng nghìn bài dự thi. Nhiều ý tưởng sáng tạo giúp các em hình
        thành thói quen tiết kiệm điện từ nhỏ.""",
        body="""
        <p>Các bài dự thi được thể hiện dưới nhiều hình thức như tranh vẽ, bài viết và video
        ngắn. Nhiều em đưa ra những cách làm đơn giản như tắt đèn khi ra khỏi phòng, rút phích
        cắm khi không dùng thiết bị, tận dụng ánh sáng tự nhiên.</p>

        <p>Cô Đặng Thu Trang, giáo viên một trường tiểu học ở Nghệ An, cho biết qua cuộc thi,
        học sinh không chỉ hiểu bài mà còn nhắc nhở cả gia đình cùng thực hiện.</p>

        <p>Ban tổ chức sẽ chọn những bài dự thi xuất sắc để trưng bày và trao giải vào cuối năm
        học, đồng thời phát hành bộ tài liệu tuyên truyền về tiết kiệm năng lượng cho các
        trường.</p>
        """,
        lead=DemoPhoto(
            label="TIẾT KIỆM ĐIỆN",
            caption="Học sinh giới thiệu tranh vẽ về chủ đề tiết kiệm điện.",
            credit="Ảnh: Ngọc Lan",
            alt="Học sinh cầm tranh vẽ về tiết kiệm điện",
        ),
    ),
    DemoArticle(
        title="Thị trường bán lẻ sôi động trong tháng khuyến mại tập trung",
        category="thi-truong",
        authors=("Minh Thư",),
        hours_ago=70,
        sapo="""Hàng loạt trung tâm thương mại, siêu thị và sàn thương mại điện tử đồng loạt tung
        ra chương trình giảm giá trong tháng khuyến mại tập trung. Sức mua tăng rõ rệt, nhất
        là các nhóm hàng điện máy, thời trang và đồ gia dụng.""",
        body="""
        <p>Ghi nhận tại nhiều trung tâm thương mại ở Hà Nội vào cuối tuần, lượng khách tham
        quan, mua sắm tăng mạnh. Nhiều thương hiệu giảm giá từ 30 đến 50%, kèm theo quà tặng
        hoặc hoàn tiền khi thanh toán không dùng tiền mặt.</p>

        <p>Đại diện một hệ thống điện máy cho biết doanh số tuần đầu của chương trình tăng
        khoảng 40% so với tuần trước đó; điều hòa, tủ lạnh và máy giặt tiết kiệm điện được ưa
        chuộng.</p>

        <p>Cơ quan chức năng lưu ý doanh nghiệp phải thực hiện đúng quy định về khuyến mại,
        niêm yết giá trước và sau khi giảm; người mua nên giữ hóa đơn, phiếu bảo hành để được
        hỗ trợ khi cần.</p>
        """,
        lead=DemoPhoto(
            label="KHUYẾN MẠI TẬP TRUNG",
            caption="Khách hàng mua sắm tại một trung tâm thương mại ở Hà Nội.",
            credit="Ảnh: Minh Thư",
            alt="Khách hàng trong trung tâm thương mại treo băng rôn giảm giá",
        ),
    ),
    DemoArticle(
        title="Gạo Việt giữ vững vị thế tại thị trường châu Á",
        category="xuat-nhap-khau",
        authors=("Ngọc Lan", "Minh Thư"),
        hours_ago=78,
        sapo="""Nhờ chất lượng ổn định và cơ cấu chuyển dịch sang gạo thơm, gạo chất lượng cao,
        gạo Việt Nam tiếp tục giữ được thị phần tại nhiều thị trường châu Á. Doanh nghiệp đang
        đẩy mạnh xây dựng thương hiệu để nâng giá trị xuất khẩu.""",
        body="""
        <p>Các doanh nghiệp xuất khẩu gạo cho biết đơn hàng từ các thị trường truyền thống
        trong khu vực vẫn ổn định. Gạo thơm và gạo đặc sản chiếm tỷ trọng ngày càng lớn trong
        cơ cấu xuất khẩu, giúp giá bán bình quân được cải thiện.</p>

        {figure}

        <p>Tại Đồng bằng sông Cửu Long, nhiều vùng nguyên liệu đã áp dụng quy trình canh tác
        giảm phát thải, giảm lượng giống và phân bón. Doanh nghiệp bao tiêu sản phẩm giúp
        nông dân yên tâm sản xuất.</p>

        <p>Theo các chuyên gia, để nâng cao vị thế lâu dài, gạo Việt cần một thương hiệu quốc
        gia đủ mạnh, gắn với các tiêu chuẩn về an toàn thực phẩm và sản xuất bền vững.</p>
        """,
        lead=DemoPhoto(
            label="GẠO VIỆT XUẤT KHẨU",
            caption="Đóng bao gạo xuất khẩu tại một nhà máy ở Cần Thơ.",
            credit="Ảnh: Ngọc Lan",
            alt="Công nhân xếp các bao gạo lên pallet",
        ),
        figure=DemoPhoto(
            label="CÁNH ĐỒNG LÚA",
            caption="Nông dân thu hoạch lúa tại An Giang.",
            credit="Ảnh: Minh Thư",
            alt="Máy gặt đập liên hợp thu hoạch lúa trên cánh đồng",
        ),
    ),
    DemoArticle(
        title="Sẵn sàng bảo đảm cung ứng điện mùa khô",
        category="dien",
        authors=("Đức Minh",),
        hours_ago=86,
        sapo="""Ngành điện đang tích nước các hồ thủy điện, sửa chữa, bảo dưỡng nhà máy và lưới
        điện để sẵn sàng cho mùa khô. Khách hàng được khuyến khích sử dụng điện tiết kiệm,
        nhất là vào giờ cao điểm.""",
        body="""
        <p>Theo kế hoạch vận hành, các hồ thủy điện lớn ở miền Bắc được yêu cầu tích nước ở mức
        cao ngay từ cuối mùa mưa. Các nhà máy nhiệt điện chủ động nguồn than, khí và hoàn
        thành lịch bảo dưỡng trước thời điểm phụ tải tăng cao.</p>

        <p>Bên cạnh nguồn điện, lưới truyền tải cũng được rà soát, khắc phục các điểm có nguy
        cơ quá tải. Nhiều công trình lưới điện mới được đẩy nhanh tiến độ để kịp đưa vào vận
        hành.</p>

        <p>Đơn vị vận hành hệ thống khuyến cáo khách hàng đặt điều hòa từ 26 độ C trở lên, ưu
        tiên thiết bị hiệu suất cao và hạn chế dùng thiết bị công suất lớn trong khung giờ cao
        điểm buổi chiều.</p>
        """,
        lead=DemoPhoto(
            label="CUNG ỨNG ĐIỆN MÙA KHÔ",
            caption="Công nhân kiểm tra đường dây truyền tải điện.",
            credit="Ảnh: Đức Minh",
            alt="Công nhân điện lực làm việc trên cột điện cao thế",
        ),
    ),
    DemoArticle(
        title="Thương nhân đầu mối phải duy trì nguồn cung xăng dầu liên tục",
        category="xang-dau",
        authors=("PV",),
        hours_ago=95,
        sapo="""Cơ quan quản lý yêu cầu các thương nhân đầu mối kinh doanh xăng dầu bảo đảm nguồn
        hàng theo tổng nguồn được giao. Cửa hàng bán lẻ không được tự ý ngừng bán hoặc bán cầm
        chừng.""",
        body="""
        <p>Văn bản gửi các thương nhân nêu rõ, doanh nghiệp phải thực hiện đúng mức dự trữ bắt
        buộc, chủ động nhập khẩu và khai thác nguồn từ các nhà máy lọc dầu trong nước để không
        gián đoạn cung ứng.</p>

        <p>Sở Công Thương các địa phương được giao theo dõi sát tình hình kinh doanh tại các
        cửa hàng bán lẻ trên địa bàn, kịp thời báo cáo khi có dấu hiệu thiếu hàng cục bộ.</p>

        <p>Cửa hàng đóng cửa không có lý do chính đáng hoặc treo biển hết hàng trong khi bồn
        chứa vẫn còn hàng sẽ bị xử lý nghiêm theo quy định.</p>
        """,
    ),
    DemoArticle(
        title="Khu công nghiệp phía Bắc đón dòng vốn FDI mới",
        category="dau-tu",
        authors=("Đức Minh",),
        hours_ago=103,
        sapo="""Nhiều khu công nghiệp ở các tỉnh phía Bắc ghi nhận nhu cầu thuê đất tăng từ nhà
        đầu tư nước ngoài trong lĩnh vực điện tử, linh kiện và năng lượng sạch. Hạ tầng giao
        thông được cải thiện là lợi thế lớn của khu vực.""",
        body="""
        <p>Các chủ đầu tư hạ tầng khu công nghiệp cho biết đã đón nhiều đoàn khảo sát từ châu Á
        và châu Âu. Nhà đầu tư đặc biệt quan tâm đến nguồn điện ổn định, hệ thống xử lý nước
        thải và khả năng tuyển dụng lao động có tay nghề.</p>

        <h2>Cạnh tranh bằng chất lượng hạ tầng</h2>

        <p>Không chỉ cạnh tranh về giá thuê, các khu công nghiệp đang đầu tư theo mô hình sinh
        thái, có không gian xanh, nhà ở cho công nhân và dịch vụ hỗ trợ doanh nghiệp. Một số
        khu đã lắp điện mặt trời mái nhà để đáp ứng yêu cầu về năng lượng sạch.</p>

        <p>Lãnh đạo một ban quản lý các khu công nghiệp cho biết, địa phương ưu tiên dự án công
        nghệ cao, ít thâm dụng lao động, có cam kết chuyển giao công nghệ và liên kết với
        doanh nghiệp trong nước.</p>
        """,
        lead=DemoPhoto(
            label="DÒNG VỐN FDI",
            caption="Nhà xưởng mới xây dựng tại một khu công nghiệp ở Bắc Ninh.",
            credit="Ảnh: Đức Minh",
            alt="Dãy nhà xưởng trong khu công nghiệp",
        ),
    ),
    DemoArticle(
        title="Cảnh báo thủ đoạn bán hàng giả trên mạng xã hội",
        category="quan-ly-thi-truong",
        authors=("Thu Hường", "PV"),
        hours_ago=110,
        sapo="""Lợi dụng tâm lý ham rẻ, nhiều đối tượng mở tài khoản bán hàng trên mạng xã hội,
        quảng cáo hàng “xách tay”, hàng “chính hãng” nhưng thực chất là hàng giả, hàng kém
        chất lượng. Người tiêu dùng cần tỉnh táo trước những lời mời chào hấp dẫn.""",
        body="""
        <p>Qua theo dõi, lực lượng chức năng phát hiện nhiều tài khoản livestream bán túi xách,
        đồng hồ, giày dép mang nhãn hiệu nổi tiếng với giá chỉ bằng một phần mười giá thật.
        Khi bị kiểm tra, các đối tượng thường xóa tài khoản và lập tài khoản mới.</p>

        <h2>Những dấu hiệu cần lưu ý</h2>

        <ul><li>Giá bán thấp bất thường so với giá niêm yết của hãng.</li>
        <li>Người bán chỉ nhận chuyển khoản trước, không cho kiểm tra hàng.</li>
        <li>Trang bán hàng mới lập, không có địa chỉ kinh doanh rõ ràng.</li></ul>

        <p>Người tiêu dùng nên mua hàng tại các gian hàng chính hãng trên sàn thương mại điện
        tử, giữ lại bằng chứng giao dịch và phản ánh ngay khi phát hiện dấu hiệu vi phạm.</p>
        """,
        lead=DemoPhoto(
            label="CẢNH GIÁC HÀNG GIẢ",
            caption="Tang vật hàng giả bị thu giữ trong một đợt kiểm tra.",
            credit="Ảnh: Thu Hường",
            alt="Túi xách, giày dép giả nhãn hiệu xếp trên bàn",
        ),
    ),
    DemoArticle(
        title="Cần Thơ: Phiên chợ nông sản kết nối tiêu thụ trái cây mùa vụ",
        category="dia-phuong",
        authors=("Ngọc Lan",),
        hours_ago=118,
        sapo="""Phiên chợ kết nối cung cầu nông sản tại Cần Thơ đã giúp nhiều hợp tác xã tìm được
        đầu ra ổn định cho trái cây vào mùa thu hoạch rộ. Hàng chục biên bản ghi nhớ hợp tác
        được ký kết ngay tại chợ.""",
        body="""
        <p>Phiên chợ quy tụ các hợp tác xã, doanh nghiệp chế biến và hệ thống phân phối từ
        nhiều tỉnh, thành phố. Các mặt hàng được giới thiệu gồm xoài, bưởi, sầu riêng, chôm
        chôm cùng nhiều sản phẩm chế biến sâu như trái cây sấy, nước ép đóng chai.</p>

        {figure}

        <p>Đại diện một hệ thống siêu thị cho biết đơn vị ưu tiên thu mua trực tiếp từ hợp tác
        xã có chứng nhận sản xuất an toàn, cam kết sản lượng và chất lượng ổn định quanh
        năm.</p>

        <p>Theo ban tổ chức, phiên chợ kết nối sẽ được tổ chức định kỳ, kết hợp với hình thức
        trực tuyến để mở rộng cơ hội giao thương cho nông dân.</p>
        """,
        lead=DemoPhoto(
            label="CHỢ NÔNG SẢN CẦN THƠ",
            caption="Khách tham quan gian hàng trái cây tại phiên chợ.",
            credit="Ảnh: Ngọc Lan",
            alt="Gian hàng trưng bày xoài và bưởi",
        ),
        figure=DemoPhoto(
            label="KÝ KẾT TIÊU THỤ",
            caption="Hợp tác xã và doanh nghiệp ký biên bản ghi nhớ tiêu thụ nông sản.",
            credit="Ảnh: Ngọc Lan",
            alt="Đại diện hợp tác xã và doanh nghiệp bắt tay sau lễ ký kết",
        ),
    ),
    DemoArticle(
        title="Khuyến công giúp làng nghề đổi mới thiết bị sản xuất",
        category="cong-thuong",
        authors=("Đức Minh", "Thu Hường"),
        hours_ago=126,
        sapo="""Nhờ nguồn kinh phí khuyến công, nhiều cơ sở làng nghề đã đầu tư máy móc thay thế
        lao động thủ công, nâng cao năng suất và chất lượng sản phẩm. Hàng làng nghề nhờ đó có
        thêm cơ hội vào các kênh phân phối hiện đại.""",
        body="""
        <p>Tại một làng nghề mây tre đan ở ngoại thành Hà Nội, cơ sở của anh Nguyễn Văn Tùng
        được hỗ trợ một phần kinh phí mua máy chẻ nan và máy sấy. Năng suất tăng gấp đôi, sản
        phẩm đồng đều hơn, đáp ứng được đơn hàng xuất khẩu.</p>

        <p>Bên cạnh hỗ trợ thiết bị, chương trình khuyến công còn tổ chức đào tạo nghề, hỗ trợ
        thiết kế mẫu mã và đưa sản phẩm tham gia hội chợ trong và ngoài nước.</p>

        <p>Các cơ sở mong muốn thủ tục hỗ trợ được đơn giản hóa hơn nữa và mức hỗ trợ phù hợp
        với quy mô nhỏ của hộ sản xuất làng nghề.</p>
        """,
        lead=DemoPhoto(
            label="LÀNG NGHỀ MÂY TRE ĐAN",
            caption="Thợ làng nghề hoàn thiện sản phẩm mây tre đan.",
            credit="Ảnh: Đức Minh",
            alt="Người thợ đan giỏ mây",
        ),
    ),
    DemoArticle(
        title="Mua hàng trực tuyến cuối năm: người tiêu dùng cần lưu ý gì?",
        category="thuong-mai-dien-tu",
        authors=("Minh Thư",),
        hours_ago=133,
        sapo="""Mùa mua sắm cuối năm là thời điểm các sàn thương mại điện tử tung ra nhiều chương
        trình ưu đãi. Bên cạnh cơ hội mua hàng giá tốt, người tiêu dùng cũng cần cẩn trọng để
        tránh rủi ro.""",
        body="""
        <p>Theo các chuyên gia, người mua nên ưu tiên các gian hàng chính hãng, đọc kỹ đánh giá
        của khách hàng trước và so sánh giá trên nhiều kênh. Những mức giảm giá quá sâu so với
        giá thị trường cần được xem xét thận trọng.</p>

        <h2>Giữ lại chứng từ giao dịch</h2>

        <p>Khi nhận hàng, người tiêu dùng nên quay video lúc mở hộp, kiểm tra kỹ sản phẩm và
        lưu lại hóa đơn, tin nhắn trao đổi với người bán. Đây là bằng chứng quan trọng nếu cần
        khiếu nại, đổi trả.</p>

        <p>Tuyệt đối không cung cấp mã xác thực giao dịch (OTP), không bấm vào đường link lạ
        được gửi qua tin nhắn tự xưng là nhân viên giao hàng hoặc chăm sóc khách hàng.</p>
        """,
        lead=DemoPhoto(
            label="MUA SẮM TRỰC TUYẾN",
            caption="Nhân viên đóng gói đơn hàng tại một kho thương mại điện tử.",
            credit="Ảnh: Minh Thư",
            alt="Nhân viên đóng gói hàng hóa trong kho",
        ),
    ),
    DemoArticle(
        title="Giá thịt lợn ổn định, nguồn cung dồi dào",
        category="gia-ca",
        authors=("PV",),
        hours_ago=140,
        sapo="""Giá thịt lợn tại các chợ và siêu thị những ngày gần đây không có nhiều biến động.
        Các doanh nghiệp chăn nuôi cho biết nguồn cung đủ đáp ứng nhu cầu tiêu dùng trong thời
        gian tới.""",
        body="""
        <p>Tại các chợ dân sinh, giá thịt ba chỉ, thịt nạc vai dao động quanh mức của tuần
        trước. Tiểu thương cho biết sức mua ở mức bình thường, lượng hàng về chợ ổn định.</p>

        <p>Các doanh nghiệp chăn nuôi quy mô lớn đang tăng đàn để chuẩn bị cho nhu cầu dịp cuối
        năm, đồng thời áp dụng các biện pháp an toàn sinh học để phòng chống dịch bệnh.</p>

        <p>Người tiêu dùng được khuyến cáo chọn thịt có dấu kiểm dịch, nguồn gốc rõ ràng và bảo
        quản đúng cách.</p>
        """,
    ),
    DemoArticle(
        title="Chuyển đổi số trong quản lý thương mại: bắt đầu từ dữ liệu",
        category="thoi-su",
        authors=("Quang Huy",),
        hours_ago=150,
        sapo="""Chuyển đổi số không chỉ là đưa thủ tục lên mạng mà là thay đổi cách quản lý dựa
        trên dữ liệu. Với ngành công thương, dữ liệu về thị trường, giá cả và doanh nghiệp là
        nền tảng để điều hành nhanh và chính xác hơn.""",
        body="""
        <p>Những năm qua, nhiều thủ tục hành chính trong lĩnh vực công thương đã được cung cấp
        trực tuyến, giúp doanh nghiệp tiết kiệm thời gian và chi phí. Tuy nhiên, dữ liệu giữa
        các hệ thống vẫn còn phân tán, chưa được kết nối đầy đủ.</p>

        <blockquote><p>Dữ liệu chỉ có giá trị khi được cập nhật thường xuyên, chia sẻ đúng quy
        định và được dùng để ra quyết định.</p></blockquote>

        <p>Cơ sở dữ liệu dùng chung về doanh nghiệp, hàng hóa và giá cả sẽ giúp cơ quan quản lý
        dự báo sớm biến động thị trường, đồng thời giúp doanh nghiệp tiếp cận thông tin minh
        bạch.</p>

        <p>Để làm được điều đó, cần đầu tư đồng bộ về hạ tầng, bảo đảm an toàn thông tin và đặc
        biệt là đội ngũ cán bộ có kỹ năng phân tích dữ liệu.</p>
        """,
        lead=DemoPhoto(
            label="CHUYỂN ĐỔI SỐ",
            caption="Cán bộ tiếp nhận hồ sơ trực tuyến tại bộ phận một cửa.",
            credit="Ảnh: Quang Huy",
            alt="Cán bộ làm việc trước màn hình máy tính",
        ),
    ),
    DemoArticle(
        title="Tiết kiệm năng lượng trong doanh nghiệp: lợi ích kép",
        category="nang-luong",
        authors=("Hoàng Anh",),
        hours_ago=160,
        sapo="""Đầu tư cho các giải pháp sử dụng năng lượng tiết kiệm, hiệu quả giúp doanh nghiệp
        giảm chi phí sản xuất, đồng thời đáp ứng yêu cầu giảm phát thải của đối tác. Nhiều mô
        hình đã cho thấy thời gian hoàn vốn ngắn.""",
        body="""
        <p>Một nhà máy chế biến thủy sản ở Cà Mau đã thay hệ thống máy nén lạnh cũ bằng thiết
        bị biến tần, lắp cảm biến điều khiển chiếu sáng. Sau một năm, lượng điện tiêu thụ giảm
        gần 15%, khoản tiết kiệm đủ bù đắp phần lớn chi phí đầu tư.</p>

        <blockquote><p>“Trước đây chúng tôi nghĩ tiết kiệm điện chỉ là tắt bớt đèn. Làm kiểm
        toán năng lượng mới thấy lãng phí nằm ở những thiết bị chạy cả ngày”, đại diện nhà
        máy cho biết.</p></blockquote>

        <p>Theo các chuyên gia, doanh nghiệp nên bắt đầu từ kiểm toán năng lượng để xác định
        những khâu tiêu hao lớn, sau đó chọn giải pháp phù hợp với khả năng tài chính.</p>
        """,
        lead=DemoPhoto(
            label="TIẾT KIỆM NĂNG LƯỢNG",
            caption="Kỹ thuật viên kiểm tra hệ thống máy nén lạnh tại nhà máy.",
            credit="Ảnh: Hoàng Anh",
            alt="Kỹ thuật viên đo thông số trên tủ điều khiển",
        ),
    ),
    DemoArticle(
        title="Công nhân khu công nghiệp được mua hàng bình ổn giá tại chỗ",
        category="xa-hoi",
        authors=("Thu Hường",),
        hours_ago=172,
        sapo="""Các điểm bán hàng lưu động được tổ chức ngay tại khu nhà trọ, giúp công nhân mua
        nhu yếu phẩm với giá ưu đãi. Chương trình góp phần chia sẻ khó khăn với người lao
        động.""",
        body="""
        <p>Chiều tối, khi ca làm việc kết thúc, điểm bán hàng đặt tại khu nhà trọ công nhân ở
        Đồng Nai trở nên nhộn nhịp. Gạo, dầu ăn, mì gói, nước giặt được bán với giá thấp hơn
        thị trường từ 5 đến 15%.</p>

        <p>Chị Lê Thị Mai, công nhân một công ty may, cho biết nhờ điểm bán gần chỗ ở, chị
        không phải mất thời gian đi chợ xa mà vẫn mua được hàng chất lượng, giá rẻ.</p>

        <p>Đơn vị tổ chức cho biết sẽ duy trì các điểm bán hàng hằng tháng và mở rộng đến nhiều
        khu công nghiệp khác trong thời gian tới.</p>
        """,
        lead=DemoPhoto(
            label="HÀNG BÌNH ỔN GIÁ",
            caption="Công nhân mua nhu yếu phẩm tại điểm bán hàng lưu động.",
            credit="Ảnh: Thu Hường",
            alt="Công nhân chọn mua hàng tại quầy bán lưu động",
        ),
    ),
    DemoArticle(
        title="Chỉ số sản xuất công nghiệp tiếp tục đà tăng",
        category="kinh-te",
        authors=("Theo TTXVN",),
        hours_ago=185,
        sapo="""Chỉ số sản xuất toàn ngành công nghiệp tháng qua tăng so với tháng trước và cùng
        kỳ năm trước, trong đó ngành chế biến, chế tạo tiếp tục là động lực. Nhiều doanh
        nghiệp cho biết đã có đơn hàng đến cuối năm.""",
        body="""
        <p>Theo số liệu thống kê, chỉ số sản xuất của ngành chế biến, chế tạo tăng cao nhất,
        tiếp đến là ngành sản xuất và phân phối điện. Một số sản phẩm chủ lực như điện thoại,
        linh kiện điện tử, thép cán và phân bón có sản lượng tăng khá.</p>

        <p>Chỉ số sử dụng lao động trong các doanh nghiệp công nghiệp cũng tăng, cho thấy hoạt
        động sản xuất đang phục hồi tích cực.</p>

        <p>Tuy vậy, doanh nghiệp vẫn đối mặt với chi phí nguyên liệu đầu vào, chi phí vận
        chuyển cao và yêu cầu ngày càng khắt khe về tiêu chuẩn môi trường từ các thị trường
        nhập khẩu.</p>
        """,
        lead=DemoPhoto(
            label="SẢN XUẤT CÔNG NGHIỆP",
            caption="Dây chuyền lắp ráp linh kiện điện tử tại một nhà máy.",
            credit="Ảnh: TTXVN",
            alt="Công nhân làm việc trên dây chuyền lắp ráp",
        ),
    ),
    DemoArticle(
        title="Xử phạt cửa hàng xăng dầu vi phạm quy định về đo lường",
        category="phap-luat",
        authors=("PV",),
        hours_ago=198,
        sapo="""Qua kiểm tra đột xuất, đoàn kiểm tra liên ngành phát hiện một cửa hàng xăng dầu
        dùng cột đo có sai số vượt mức cho phép. Cơ sở bị xử phạt vi phạm hành chính và buộc
        khắc phục hậu quả.""",
        body="""
        <p>Kết quả kiểm định cho thấy một số vòi bơm của cửa hàng có sai số vượt giới hạn cho
        phép, gây thiệt hại cho người mua. Đoàn kiểm tra đã lập biên bản, niêm phong các cột
        đo vi phạm.</p>

        <p>Ngoài hình thức phạt tiền, cơ sở phải kiểm định lại phương tiện đo và chỉ được đưa
        vào sử dụng khi đạt yêu cầu.</p>

        <p>Khi phát hiện dấu hiệu gian lận trong đo lường, người tiêu dùng có thể phản ánh qua
        đường dây nóng của cơ quan quản lý thị trường để được xử lý kịp thời.</p>
        """,
    ),
    DemoArticle(
        title="Sản phẩm OCOP tự tin lên kệ siêu thị",
        category="hang-viet",
        authors=("Ngọc Lan", "Đức Minh"),
        hours_ago=210,
        sapo="""Ngày càng nhiều sản phẩm đạt chứng nhận OCOP được đưa vào hệ thống siêu thị và
        cửa hàng tiện lợi. Chất lượng ổn định, bao bì đẹp và câu chuyện sản phẩm hấp dẫn giúp
        hàng địa phương chinh phục người tiêu dùng thành phố.""",
        body="""
        <p>Tại khu trưng bày sản phẩm OCOP của một siêu thị ở Hà Nội, người tiêu dùng có thể
        tìm thấy mắm cá, chè, mật ong, miến dong và nhiều đặc sản vùng miền. Nhiều sản phẩm có
        mã QR để tra cứu thông tin nhà sản xuất.</p>

        {figure}

        <p>Đại diện siêu thị cho biết, điều kiện để hàng OCOP trụ lại lâu trên kệ là sản lượng
        đủ lớn, giao hàng đúng hẹn và chất lượng đồng đều giữa các lô hàng.</p>

        <p>Các chủ thể OCOP cũng cần đầu tư thêm cho tiếp thị, chủ động tham gia các chương
        trình xúc tiến thương mại để sản phẩm được nhiều người biết đến.</p>
        """,
        lead=DemoPhoto(
            label="SẢN PHẨM OCOP",
            caption="Khu trưng bày sản phẩm OCOP tại một siêu thị ở Hà Nội.",
            credit="Ảnh: Ngọc Lan",
            alt="Kệ hàng trưng bày các đặc sản địa phương",
        ),
        figure=DemoPhoto(
            label="ĐẶC SẢN VÙNG MIỀN",
            caption="Mật ong, chè được đóng gói, dán mã QR truy xuất nguồn gốc.",
            credit="Ảnh: Đức Minh",
            alt="Hũ mật ong và hộp chè có dán mã QR",
        ),
    ),
    DemoArticle(
        title="Lâm Đồng: Rau, hoa Đà Lạt mở rộng đường ra thị trường quốc tế",
        category="dia-phuong",
        authors=("Minh Thư",),
        hours_ago=225,
        sapo="""Nhờ ứng dụng công nghệ cao trong sản xuất, rau và hoa Đà Lạt ngày càng đáp ứng tốt
        yêu cầu của các thị trường nhập khẩu. Nhiều doanh nghiệp đã ký được hợp đồng xuất khẩu
        dài hạn.""",
        body="""
        <p>Trong các nhà kính hiện đại, hoa cúc, hồng và cẩm chướng được trồng theo quy trình
        kiểm soát nhiệt độ, độ ẩm và dinh dưỡng tự động. Sản phẩm có chất lượng đồng đều, thời
        gian bảo quản dài hơn.</p>

        <p>Một doanh nghiệp xuất khẩu hoa cho biết, mỗi tuần đơn vị xuất đi hàng chục nghìn
        cành hoa sang các thị trường châu Á. Khách hàng đặc biệt quan tâm đến quy trình quản
        lý dịch hại và truy xuất nguồn gốc.</p>

        <p>Tuy nhiên, chi phí vận chuyển hàng không còn cao và hạ tầng logistics lạnh chưa đồng
        bộ là những khó khăn cần sớm tháo gỡ để rau, hoa Đà Lạt vươn xa hơn.</p>
        """,
        lead=DemoPhoto(
            label="HOA ĐÀ LẠT",
            caption="Trồng hoa cúc trong nhà kính tại Đà Lạt.",
            credit="Ảnh: Minh Thư",
            alt="Luống hoa cúc trong nhà kính",
        ),
    ),
    # Two drafts and one scheduled article: readers must not see any of them.
    DemoArticle(
        title="Kế hoạch tổ chức Tuần hàng Việt tại các khu dân cư",
        category="hang-viet",
        draft=True,
        authors=("Minh Thư",),
        hours_ago=6,
        sapo="""Tuần hàng Việt sẽ được tổ chức luân phiên tại nhiều khu dân cư, đưa hàng hóa chất
        lượng, giá ưu đãi đến gần người tiêu dùng. Danh sách doanh nghiệp tham gia đang được
        hoàn thiện.""",
        body="""
        <p>Theo dự kiến, mỗi đợt Tuần hàng Việt kéo dài bảy ngày với khoảng 50 gian hàng thực
        phẩm, đồ gia dụng và sản phẩm làng nghề.</p>

        <p>Đơn vị tổ chức ưu tiên doanh nghiệp có sản phẩm đạt chứng nhận chất lượng và cam kết
        giá bán thấp hơn giá thị trường.</p>

        <p>(Phóng viên bổ sung danh sách địa điểm và lịch tổ chức trước khi gửi biên tập.)</p>
        """,
    ),
    DemoArticle(
        title="Doanh nghiệp cơ khí và bài toán đổi mới công nghệ",
        category="cong-nghiep",
        draft=True,
        submitted=True,
        authors=("Hoàng Anh",),
        hours_ago=30,
        sapo="""Nhiều doanh nghiệp cơ khí trong nước muốn đầu tư dây chuyền hiện đại nhưng gặp
        khó về vốn và nhân lực. Bài viết ghi nhận ý kiến của các chủ doanh nghiệp và chuyên
        gia.""",
        body="""
        <p>Máy móc cũ, tiêu hao nhiều năng lượng và độ chính xác thấp đang là rào cản khiến
        doanh nghiệp cơ khí khó tham gia chuỗi cung ứng của các tập đoàn lớn.</p>

        <p>Một số doanh nghiệp đã mạnh dạn vay vốn đầu tư máy gia công điều khiển số, đồng thời
        cử kỹ sư đi đào tạo ở nước ngoài.</p>

        <p>(Chờ bổ sung ý kiến chuyên gia.)</p>
        """,
        lead=DemoPhoto(
            label="CƠ KHÍ CHẾ TẠO",
            caption="Xưởng gia công cơ khí của một doanh nghiệp tại Thái Nguyên.",
            credit="Ảnh: Hoàng Anh",
            alt="Công nhân vận hành máy tiện trong xưởng cơ khí",
        ),
    ),
    DemoArticle(
        title="Khai mạc Hội chợ Công Thương vùng Tây Nguyên",
        category="thoi-su",
        authors=("Đức Minh",),
        hours_ago=-48,
        sapo="""Hội chợ quy tụ hàng trăm gian hàng của doanh nghiệp, hợp tác xã đến từ các tỉnh
        Tây Nguyên và nhiều địa phương trong cả nước. Đây là dịp quảng bá các sản phẩm chủ lực
        như cà phê, hồ tiêu, mắc ca và hàng thủ công mỹ nghệ.""",
        body="""
        <p>Sáng nay, Hội chợ Công Thương vùng Tây Nguyên chính thức khai mạc tại Gia Lai với sự
        tham gia của doanh nghiệp từ nhiều tỉnh, thành phố.</p>

        <p>Bên cạnh khu trưng bày, hội chợ có các phiên kết nối giao thương giữa nhà sản xuất
        và hệ thống phân phối, hội thảo về xuất khẩu nông sản và chương trình giới thiệu sản
        phẩm OCOP.</p>

        <p>Hội chợ mở cửa miễn phí cho khách tham quan đến hết ngày bế mạc.</p>
        """,
        lead=DemoPhoto(
            label="HỘI CHỢ TÂY NGUYÊN",
            caption="Không gian trưng bày cà phê tại hội chợ.",
            credit="Ảnh: Đức Minh",
            alt="Gian hàng trưng bày các loại cà phê Tây Nguyên",
        ),
    ),
]

# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    existing: int = 0


@dataclass
class AccountResult:
    username: str
    role: str
    created: bool
    # The generated password, kept only to be printed once; None when not generated here.
    new_password: str | None = None
    password_reset: bool = False


@dataclass
class SeedReport:
    site_settings: str = "kept"  # "created", "filled" (blank fields completed) or "kept"
    categories: Tally = field(default_factory=Tally)
    authors: Tally = field(default_factory=Tally)
    articles: Tally = field(default_factory=Tally)
    photos_created: int = 0
    hidden_created: int = 0  # drafts and scheduled articles among those created
    accounts: list[AccountResult] = field(default_factory=list)


def seed_demo(*, password=None, now=None) -> SeedReport:
    """Create whatever demo content is missing, in one transaction."""
    now = now or timezone.now()
    report = SeedReport()
    with transaction.atomic():
        report.site_settings = seed_site_settings()
        categories = seed_categories(report.categories)
        users = seed_accounts(report.accounts, password=password)
        authors = seed_authors(report.authors, users)
        seed_articles(report, categories=categories, authors=authors, users=users, now=now)
        seed_tags_and_threads()
    return report


def seed_site_settings() -> str:
    """Fill the masthead's blank fields; never overwrite what an editor has typed.

    `SiteSettings.load()` may already have created an empty row on a first page view,
    so "exists" is not the same as "filled in".
    """
    site = SiteSettings.objects.filter(pk=1).first()
    if site is None:
        SiteSettings(**SITE_SETTINGS).save()
        return "created"
    blank = [name for name in SITE_SETTINGS if getattr(site, name) in ("", None)]
    for name in blank:
        setattr(site, name, SITE_SETTINGS[name])
    if blank:
        site.save()
        return "filled"
    return "kept"


def seed_categories(tally: Tally) -> dict[str, Category]:
    categories = {}

    def get_or_create(name, description, parent, position):
        category, created = Category.objects.get_or_create(
            slug=vietnamese_slugify(name, max_length=100),
            defaults={
                "name": name,
                "description": description,
                "parent": parent,
                "menu_position": position,
            },
        )
        tally.created += created
        tally.existing += not created
        categories[category.slug] = category
        return category

    for position, (name, description, children) in enumerate(CATEGORIES, start=1):
        section = get_or_create(name, description, None, position)
        for child_position, (child_name, child_description) in enumerate(children, start=1):
            get_or_create(child_name, child_description, section, child_position)
    return categories


def seed_accounts(results: list[AccountResult], *, password=None) -> dict:
    """One staff account per newsroom role, plus a superuser.

    A new account gets a random password that is returned once for printing;
    an existing one keeps its password unless `password` is given.
    """
    groups = {g.name: g for g in Group.objects.filter(name__in=[r for _, r in ROLE_ACCOUNTS])}
    missing = [role for _, role in ROLE_ACCOUNTS if role not in groups]
    if missing:
        raise LookupError(
            "Thiếu nhóm quyền: " + ", ".join(missing) + ". Hãy chạy `manage.py migrate` trước."
        )
    User = get_user_model()
    users = {}
    specs = [(username, role, groups[role]) for username, role in ROLE_ACCOUNTS]
    specs.append((SUPERUSER, SUPERUSER_ROLE, None))
    for username, role, group in specs:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@baocongthuong.example",
                "is_staff": True,
                "is_superuser": group is None,
            },
        )
        result = AccountResult(username=username, role=role, created=created)
        if created:
            result.new_password = password or secrets.token_urlsafe(12)
            user.set_password(result.new_password)
            user.save(update_fields=["password"])
            if group is not None:
                user.groups.add(group)
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
        result.password_reset = bool(password)
        results.append(result)
        users[username] = user
    return users


def seed_authors(tally: Tally, users: dict) -> dict[str, Author]:
    authors = {}
    for display_name, username, bio in AUTHORS:
        author, created = Author.objects.get_or_create(
            slug=vietnamese_slugify(display_name, max_length=100),
            defaults={"display_name": display_name, "bio": bio, "user": users.get(username)},
        )
        tally.created += created
        tally.existing += not created
        authors[display_name] = author
    return authors


# Tags of sample articles (by title) and the demo's event thread: enough to fill the
# tag pages, the thread box and the related lists.
DEMO_TAGS = {
    "Giá xăng dầu giảm nhẹ trong kỳ điều hành mới": ["Giá xăng dầu", "Bình ổn giá"],
    "Thương nhân đầu mối phải duy trì nguồn cung xăng dầu liên tục": [
        "Giá xăng dầu",
        "Thị trường trong nước",
    ],
    "Xử phạt cửa hàng xăng dầu vi phạm quy định về đo lường": [
        "Giá xăng dầu",
        "Quản lý thị trường",
    ],
    "Bảo đảm cung ứng hàng hóa thiết yếu dịp cuối năm": ["Bình ổn giá", "Thị trường trong nước"],
    "Công nhân khu công nghiệp được mua hàng bình ổn giá tại chỗ": ["Bình ổn giá"],
    "Thu giữ hơn 3.000 sản phẩm mỹ phẩm không rõ nguồn gốc": ["Quản lý thị trường", "Hàng giả"],
    "Cảnh báo thủ đoạn bán hàng giả trên mạng xã hội": ["Hàng giả", "Thương mại điện tử"],
    "Thương mại điện tử mở lối cho đặc sản vùng cao": ["Thương mại điện tử", "OCOP"],
    "Mua hàng trực tuyến cuối năm: người tiêu dùng cần lưu ý gì?": ["Thương mại điện tử"],
    "Sản phẩm OCOP tự tin lên kệ siêu thị": ["OCOP", "Thị trường trong nước"],
    "Xuất khẩu rau quả khởi sắc nhờ mở cửa thêm nhiều thị trường": ["Xuất khẩu", "Nông sản"],
    "Gạo Việt giữ vững vị thế tại thị trường châu Á": ["Xuất khẩu", "Nông sản"],
    "Đắk Lắk: Nông dân phấn khởi vì cà phê được giá": ["Nông sản"],
    "Sẵn sàng bảo đảm cung ứng điện mùa khô": ["Cung ứng điện"],
    "Điện gió ngoài khơi cần khung pháp lý rõ ràng để thu hút đầu tư": ["Năng lượng tái tạo"],
}
DEMO_THREAD = (
    "Điều hành giá xăng dầu",
    "Các kỳ điều hành giá, nguồn cung và kiểm tra kinh doanh xăng dầu.",
    [
        "Giá xăng dầu giảm nhẹ trong kỳ điều hành mới",
        "Thương nhân đầu mối phải duy trì nguồn cung xăng dầu liên tục",
        "Xử phạt cửa hàng xăng dầu vi phạm quy định về đo lường",
    ],
)


def seed_tags_and_threads():
    """Tags for sample articles that have none yet, and the demo thread if missing."""
    articles = {a.title: a for a in Article.objects.filter(title__in=DEMO_TAGS)}
    tagged = set(
        ArticleTag.objects.filter(article__in=articles.values()).values_list(
            "article_id", flat=True
        )
    )
    for title, names in DEMO_TAGS.items():
        article = articles.get(title)
        if article is not None and article.pk not in tagged:
            services.set_article_tags(article, names)
    title, description, members = DEMO_THREAD
    thread, created = EventThread.objects.get_or_create(
        slug=vietnamese_slugify(title), defaults={"title": title, "description": description}
    )
    if created:
        Article.objects.filter(title__in=members, thread__isnull=True).update(thread=thread)


def seed_articles(report: SeedReport, *, categories, authors, users, now):
    """Create the sample articles that are missing (looked up by slug), with their photos.

    An article that already exists is left alone, photos and bylines included.
    """
    for spec in ARTICLES:
        slug = vietnamese_slugify(spec.title)
        if Article.objects.filter(slug=slug).exists():
            report.articles.existing += 1
            continue
        _create_article(spec, slug, report, categories, authors, users, now)
        report.articles.created += 1
        report.hidden_created += spec.draft or spec.hours_ago < 0


def _create_article(spec, slug, report, categories, authors, users, now):
    bylines = [authors[name] for name in spec.authors]
    writer = bylines[0].user or users[PUBLISHER]
    published_at = now - timedelta(hours=spec.hours_ago)
    taken_on = timezone.localdate(min(published_at, now))

    photos = {}
    for role, photo_spec in (("lead", spec.lead), ("figure", spec.figure)):
        if photo_spec is not None:
            photos[role] = create_demo_photo(photo_spec, taken_on=taken_on, uploaded_by=writer)
            report.photos_created += 1
    figure = photos.get("figure")
    body = _html_blocks(spec.body).replace("{figure}", _figure_html(figure) if figure else "")

    article = Article.objects.create(
        title=spec.title,
        slug=slug,
        sapo=" ".join(spec.sapo.split()),
        body=body,
        category=categories[spec.category],
        lead_photo=photos.get("lead"),
        is_featured=spec.featured,
        created_at=min(published_at, now) - timedelta(hours=2),
        created_by=writer,
        updated_by=writer,
    )
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position)
        for position, author in enumerate(bylines)
    )
    if figure:
        ArticlePhoto.objects.create(article=article, photo=figure, position=0)
    if spec.draft and spec.submitted and writer.has_perm("articles.change_article"):
        services.transition_article(article, "submit", by=writer)
    if not spec.draft:
        # Through the editorial chain, as in the newsroom: the writer submits, the
        # managing editor schedules it; articles "already published" hours ago are
        # recorded as imported (the chain never publishes into the past).
        # (An existing account left without a role cannot submit; the editor does.)
        submitter = writer if writer.has_perm("articles.change_article") else users[PUBLISHER]
        services.transition_article(article, "submit", by=submitter)
        if published_at > timezone.now():
            services.transition_article(article, "publish", by=users[PUBLISHER], at=published_at)
        else:
            services.publish_imported(
                article, by=users[PUBLISHER], published_at=published_at, reason="Dữ liệu mẫu"
            )
    return article


def _html_blocks(text):
    """Blocks separated by blank lines, each collapsed to one line."""
    blocks = (" ".join(block.split()) for block in text.split("\n\n"))
    return "\n".join(block for block in blocks if block)


def _figure_html(photo):
    """The markup CKEditor's image2 plugin produces for a captioned image."""
    return format_html(
        '<figure class="image"><img src="{}" alt="{}" width="{}" height="{}">'
        '<figcaption>{} <span class="photo-credit">{}</span></figcaption></figure>',
        photo.image.url,
        photo.alt,
        photo.width,
        photo.height,
        photo.caption,
        photo.credit,
    )


# ---------------------------------------------------------------------------
# Photos, drawn rather than downloaded
# ---------------------------------------------------------------------------

PHOTO_SIZE = (1200, 675)
PALETTES = [
    ((10, 45, 100), (30, 150, 190)),  # navy to teal
    ((20, 90, 50), (150, 200, 80)),  # forest to leaf
    ((150, 40, 30), (240, 160, 60)),  # brick to amber
    ((60, 30, 110), (200, 90, 160)),  # indigo to rose
    ((30, 40, 50), (120, 140, 160)),  # slate
    ((0, 100, 110), (230, 200, 90)),  # sea to sand
]
# Fonts with Vietnamese glyphs, tried in order. Pillow's built-in font (Aileron)
# has ASCII only: with it, "ĐIỆN" would come out as boxes.
FONT_CANDIDATES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf")


def create_demo_photo(spec: DemoPhoto, *, taken_on=None, uploaded_by=None) -> Photo:
    """A drawn picture stored like an upload: through `clean_image`, then Django storage."""
    cleaned = clean_image(ContentFile(render_demo_picture(spec.label), name="demo.jpg"))
    filename = f"{vietnamese_slugify(spec.label) or 'anh-mau'}.{cleaned.extension}"
    photo = Photo(
        caption=spec.caption,
        credit=spec.credit,
        alt_text=spec.alt,
        taken_at=taken_on,
        original_filename=filename,
        uploaded_by=uploaded_by,
    )
    photo.image.save(filename, cleaned.content, save=False)
    # The pipeline already knows the size; the in-memory instance would otherwise
    # keep width/height as None until reloaded, and the body's <img> needs them.
    photo.width, photo.height = cleaned.width, cleaned.height
    photo.save()
    generate_renditions(photo)
    return photo


@functools.lru_cache(maxsize=128)
def render_demo_picture(label: str) -> bytes:
    """A 1200×675 JPEG: diagonal gradient, soft shapes, a bar chart and the label.

    Shapes and colours are seeded by the label, so a label always gives the same
    picture; caching it saves redrawing when one process seeds many times (tests).
    """
    rng = random.Random(label)
    width, height = PHOTO_SIZE
    dark, light = rng.choice(PALETTES)

    # Colour a small diagonal ramp and scale it up: smooth, and much cheaper than
    # building the gradient at full size.
    ramp = Image.linear_gradient("L").resize((256, 144))
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((256, 144))
    diagonal = ImageChops.add(ramp, across, scale=2)
    picture = ImageOps.colorize(diagonal, dark, light).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)

    shapes = ImageDraw.Draw(picture, "RGBA")  # RGBA fills blend into the RGB picture
    for _ in range(3):
        radius = rng.randint(120, 320)
        x, y = rng.randint(0, width), rng.randint(0, height // 2)
        shapes.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, 38))
    bar_width, left = 46, width - 7 * 62 - 40
    for i in range(7):
        bar_height = rng.randint(80, 330)
        x = left + i * 62
        shapes.rectangle((x, 520 - bar_height, x + bar_width, 520), fill=(255, 255, 255, 70))
    shapes.rectangle((0, 520, width, height), fill=(0, 0, 0, 140))

    draw = ImageDraw.Draw(picture)
    font, text = _label_font(label, max_width=width - 120)
    draw.text((60, 597), text, font=font, fill="white", anchor="lm")
    tag_font, tag = _label_font("ẢNH MINH HỌA · DỮ LIỆU MẪU", max_width=width, size=26)
    draw.text((60, 50), tag, font=tag_font, fill="white", anchor="lm")

    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=85)
    return output.getvalue()


def _label_font(text, *, max_width, size=80):
    """The largest font (down to 32 px) that fits `text` into `max_width`.

    Without a font that has Vietnamese glyphs, the text is drawn without accents
    rather than as empty boxes.
    """
    for name in FONT_CANDIDATES:
        try:
            ImageFont.truetype(name, size)
        except OSError:
            continue
        break
    else:
        name, text = None, fold(text).upper()
    while True:
        font = ImageFont.truetype(name, size) if name else ImageFont.load_default(size=size)
        if size <= 32 or font.getlength(text) <= max_width:
            return font, text
        size -= 4


# ---------------------------------------------------------------------------
# Synthetic articles for load tests
# ---------------------------------------------------------------------------

SYNTHETIC_SUBJECTS = (
    "Xuất khẩu gạo",
    "Xuất khẩu cà phê",
    "Xuất khẩu thủy sản",
    "Xuất khẩu hạt điều",
    "Xuất khẩu trái cây",
    "Ngành dệt may",
    "Ngành da giày",
    "Ngành thép",
    "Ngành gỗ",
    "Ngành cơ khí",
    "Công nghiệp hỗ trợ",
    "Thương mại điện tử",
    "Thị trường bán lẻ",
    "Giá xăng dầu",
    "Giá rau xanh",
    "Giá vàng",
    "Sản lượng điện",
    "Điện mặt trời mái nhà",
    "Điện gió",
    "Sản phẩm OCOP",
    "Hàng Việt",
    "Chợ truyền thống",
    "Ngành logistics",
    "Khu công nghiệp",
    "Doanh nghiệp nhỏ và vừa",
    "Làng nghề thủ công",
)
SYNTHETIC_TRENDS = (
    "tăng trưởng mạnh",
    "giảm nhẹ",
    "phục hồi rõ nét",
    "đối mặt nhiều thách thức",
    "tìm hướng đi mới",
    "lập kỷ lục mới",
    "chịu sức ép cạnh tranh",
    "mở rộng thị trường",
    "đẩy nhanh chuyển đổi số",
    "giữ đà ổn định",
    "hướng tới tiêu chuẩn xanh",
    "kỳ vọng bứt phá",
)
SYNTHETIC_CONTEXTS = (
    "trong quý I",
    "trong quý III",
    "trong tháng đầu năm",
    "dịp cuối năm",
    "trước mùa cao điểm",
    "sau kỳ nghỉ Tết",
    "nhờ các hiệp định thương mại tự do",
    "tại khu vực phía Nam",
    "ở các tỉnh miền Trung",
    "tại Đồng bằng sông Cửu Long",
    "trên các sàn thương mại điện tử",
)
SYNTHETIC_ANGLES = (
    "cơ hội và thách thức",
    "doanh nghiệp cần làm gì?",
    "nhìn lại một năm",
    "những con số đáng chú ý",
    "bài toán nguồn cung",
    "góc nhìn chuyên gia",
)
SYNTHETIC_HISTORY = timedelta(days=3 * 365)

# Body sentences of synthetic articles ({topic}: the article's subject, lower case).
SYNTHETIC_SENTENCES = (
    "Theo số liệu của cơ quan thống kê, {topic} {trend} {context}.",
    "Nhiều doanh nghiệp cho biết đơn hàng và chi phí đầu vào đều có thay đổi đáng kể so "
    "với cùng kỳ năm trước.",
    "Đại diện Bộ Công Thương nhận định đây là tín hiệu cần được theo dõi sát để có giải "
    "pháp điều hành phù hợp.",
    "Các chuyên gia khuyến nghị doanh nghiệp chủ động nguồn hàng, đa dạng hóa thị trường và "
    "nâng cao chất lượng sản phẩm.",
    "Tại nhiều địa phương, chính quyền đã làm việc với hiệp hội ngành hàng để tháo gỡ khó "
    "khăn về vốn, mặt bằng và thủ tục.",
    "Một số doanh nghiệp đã đầu tư dây chuyền mới, ứng dụng công nghệ số trong quản lý đơn "
    "hàng và truy xuất nguồn gốc.",
    "Ông Nguyễn Văn An, giám đốc một doanh nghiệp trong ngành, cho biết công ty đang tìm "
    "thêm đối tác tại các thị trường mới.",
    "Bà Trần Thị Bình, chuyên gia kinh tế, lưu ý rằng biến động tỷ giá và chi phí vận tải "
    "vẫn là những rủi ro lớn.",
    "Tính chung mười tháng, kim ngạch của lĩnh vực này đạt khoảng {number} tỷ USD, tăng "
    "{percent}% so với cùng kỳ.",
    "Nhiều hiệp định thương mại tự do đang mở ra cơ hội lớn nhưng cũng đặt ra yêu cầu khắt "
    "khe hơn về tiêu chuẩn.",
    "Người tiêu dùng ngày càng quan tâm tới sản phẩm có chứng nhận chất lượng và nguồn gốc "
    "rõ ràng.",
    "Cơ quan quản lý thị trường đã tăng cường kiểm tra, xử lý các trường hợp gian lận "
    "thương mại và hàng giả.",
    "Theo kế hoạch, trong những tháng tới ngành sẽ tập trung phát triển thị trường nội địa "
    "song song với xuất khẩu.",
    "Các ngân hàng thương mại cũng đưa ra gói tín dụng ưu đãi dành riêng cho doanh nghiệp "
    "nhỏ và vừa.",
    "Giới phân tích cho rằng nếu duy trì được đà hiện nay, mục tiêu cả năm hoàn toàn có thể "
    "đạt được.",
    "Dù vậy, vẫn còn không ít doanh nghiệp gặp khó khăn trong tiếp cận vốn và nguồn nhân "
    "lực chất lượng cao.",
)
SYNTHETIC_SUBHEADINGS = (
    "Nhiều tín hiệu tích cực",
    "Khó khăn vẫn còn",
    "Giải pháp nào cho doanh nghiệp?",
    "Kỳ vọng những tháng cuối năm",
    "Chủ động thích ứng",
)
SYNTHETIC_PHOTO_SHARE = 0.7  # like a newsroom's: seven articles in ten lead with a photo
# Keywords of synthetic articles: the subject's own, plus a few of these.
SYNTHETIC_TAGS = (
    "Bộ Công Thương", "Xuất khẩu", "Thị trường", "Doanh nghiệp", "Giá cả", "Chuyển đổi số",
    "Hiệp định thương mại tự do", "Hà Nội", "TP. Hồ Chí Minh", "Đồng bằng sông Cửu Long",
    "Năng lượng", "Công nghiệp", "Tiêu dùng", "Logistics", "Kinh tế số",
)  # fmt: skip


def add_synthetic_articles(count, *, batch_size=2000, on_batch=None, rng=None) -> int:
    """Add `count` published articles for load tests, like what a newsroom publishes:
    bodies of about 650 words with a subheading, one or two bylines, and (seven in ten)
    a lead photo of their own with caption and credit.

    Written with `bulk_create` in batches (one transaction each). Field `pre_save` still
    runs, so text is cleaned as usual; `Article.save()` and its signals do not, so the
    slug is set here and each batch's search rows are written by `index_articles`.
    Lead photos reuse the files and renditions of the demo library's photos (their
    stored index), so a hundred thousand articles need no image processing.
    """
    category_ids = list(Category.objects.values_list("pk", flat=True))
    author_ids = list(Author.objects.values_list("pk", flat=True))
    if not category_ids or not author_ids:
        raise LookupError("Cần có chuyên mục và tác giả trước khi thêm bài tổng hợp.")
    rng = rng or random.Random()
    now = timezone.now()
    pool = list(
        Photo.objects.filter(renditions_ready_at__isnull=False).exclude(rendition_index={})[:50]
    )
    # Bodies are drawn from a pool of blocks: each block's words are read once.
    blocks = [(html, tuple(terms(html_to_text(html)))) for html in _synthetic_blocks(rng)]
    tags = {name: services.tag_named(name) for name in (*SYNTHETIC_TAGS, *SYNTHETIC_SUBJECTS)}
    added = 0
    while added < count:
        size = min(batch_size, count - added)
        articles, photos, body_terms = [], [], []
        for _ in range(size):
            article, words = _synthetic_article(rng, now, category_ids, blocks)
            if pool and rng.random() < SYNTHETIC_PHOTO_SHARE:
                photos.append((article, _synthetic_photo(rng, rng.choice(pool), article)))
            articles.append(article)
            body_terms.append(words)
        with transaction.atomic():
            Photo.objects.bulk_create([photo for _article, photo in photos])
            for article, photo in photos:
                article.lead_photo = photo
            Article.objects.bulk_create(articles)
            index_articles(articles, batch_size=batch_size, body_terms=body_terms)
            Byline.objects.bulk_create(
                Byline(article=article, author_id=author_id, position=position)
                for article in articles
                for position, author_id in enumerate(
                    rng.sample(author_ids, k=min(len(author_ids), 1 + (rng.random() < 0.3)))
                )
            )
            ArticleTag.objects.bulk_create(
                ArticleTag(article=article, tag=tag, position=position)
                for article in articles
                for position, tag in enumerate(_synthetic_tags(rng, article, tags))
            )
        added += size
        if on_batch:
            on_batch(size)
    return added


def _synthetic_tags(rng, article, tags):
    """One to four keywords: the subject's (the start of its title), then others."""
    subject = next((name for name in SYNTHETIC_SUBJECTS if article.title.startswith(name)), None)
    chosen = [tags[subject]] if subject else []
    chosen += [tags[name] for name in rng.sample(SYNTHETIC_TAGS, k=rng.randint(1, 3))]
    return chosen


def _synthetic_blocks(rng, count=300):
    """A pool of ~80-word paragraphs to draw bodies from (cheap to combine)."""
    pool = [f"<h2>{heading}</h2>" for heading in SYNTHETIC_SUBHEADINGS]
    for _ in range(count):
        topic = rng.choice(SYNTHETIC_SUBJECTS).lower()
        sentences = rng.sample(SYNTHETIC_SENTENCES, k=4)
        text = " ".join(sentences).format(
            topic=topic,
            trend=rng.choice(SYNTHETIC_TRENDS),
            context=rng.choice(SYNTHETIC_CONTEXTS),
            number=rng.randint(2, 40),
            percent=rng.randint(3, 25),
        )
        pool.append(f"<p>{text}</p>")
    return pool


def _synthetic_photo(rng, source, article):
    """A library photo of the article's own (caption, credit) showing a demo picture."""
    return Photo(
        image=source.image.name,
        width=source.width,
        height=source.height,
        caption=f"Ảnh minh họa: {article.title}"[:300],
        credit=f"Ảnh: {rng.choice(('Minh Thư', 'Hoàng Anh', 'Ngọc Lan', 'TTXVN'))}",
        alt_text=article.title[:300],
        focal_x=source.focal_x,
        focal_y=source.focal_y,
        original_filename=source.original_filename,
        renditions_ready_at=source.renditions_ready_at,
        rendition_index=source.rendition_index,
        search_text=fold(article.title),
        uploaded_at=article.published_at,
    )


def _synthetic_article(rng, now, category_ids, blocks):
    """An unsaved article and its body's words (from the blocks' words)."""
    subject = rng.choice(SYNTHETIC_SUBJECTS)
    trend, context = rng.choice(SYNTHETIC_TRENDS), rng.choice(SYNTHETIC_CONTEXTS)
    if rng.random() < 0.25:
        title = f"{subject}: {rng.choice(SYNTHETIC_ANGLES)}"
    else:
        title = f"{subject} {trend} {context}"
    topic = subject[0].lower() + subject[1:]
    published_at = now - timedelta(
        seconds=rng.randint(3600, int(SYNTHETIC_HISTORY.total_seconds()))
    )
    headings = blocks[: len(SYNTHETIC_SUBHEADINGS)]
    chosen = rng.sample(blocks[len(headings) :], k=7)
    chosen.insert(4, rng.choice(headings))
    opening = (
        f"<p>Những tháng gần đây, {topic} {trend} {context}. Nhiều doanh nghiệp cho biết "
        "đơn hàng và chi phí đầu vào đều có thay đổi đáng kể.</p>"
    )
    closing = "<p>(Bài tổng hợp tự động dùng để thử tải.)</p>"
    words = [
        *terms(html_to_text(opening)),
        *(word for _html, block_words in chosen for word in block_words),
        *terms(html_to_text(closing)),
    ]
    # Bulk rows skip the transition methods, so the status is set directly here.
    article = Article(
        title=title,
        slug=vietnamese_slugify(title),
        sapo=(
            f"Theo ghi nhận, {topic} {trend} {context}. Doanh nghiệp và cơ quan quản lý đang "
            "theo dõi sát diễn biến để có giải pháp phù hợp."
        ),
        body=opening + "".join(html for html, _words in chosen) + closing,
        category_id=rng.choice(category_ids),
        status=Article.Status.PUBLISHED,
        published_at=published_at,
        created_at=published_at - timedelta(hours=1),
    )
    article.record_first_publication(now)
    return article, words
