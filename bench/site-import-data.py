#!/usr/bin/env python3
"""Makes a large WordPress export and the mirror of its files for
bench/site-import.sh: N posts over the fixture's categories (one in ten a
document with its number and PDF), M files (nine in ten images, the rest
PDFs), each file's bytes distinct. Images are the WordPress fixture's
1600x1000 JPEGs, each given a different trailing comment, so every one is
decoded and resized like a new photo; PDFs are small and valid.

usage: site-import-data.py OUT ITEMS FILES
"""
import os, random, sys
from xml.sax.saxutils import escape

out, items, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = "xahainam.namdinh.gov.vn"
site = "http://" + host
fixture = os.path.join(os.path.dirname(__file__), "..", "Tests", "ProvisionerTests", "Fixtures", "wordpress", "mirror", host)
bases = []
for root, _, names in os.walk(os.path.join(fixture, "wp-content", "uploads")):
    for name in sorted(names):
        stem, ext = os.path.splitext(name)
        if ext == ".jpg" and not stem.rsplit("-", 1)[-1].replace("x", "").isdigit():
            bases.append(open(os.path.join(root, name), "rb").read())
assert bases, "no fixture images"
random.seed(2026)
uploads = os.path.join(out, "mirror", host, "wp-content", "uploads", "2025", "01")
os.makedirs(uploads, exist_ok=True)

media = []  # (id, url, kind)
for n in range(files):
    if n % 10 == 9:
        name = f"van-ban-{n}.pdf"
        body = f"%PDF-1.4\n% tep {n}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".encode()
        kind = "pdf"
    else:
        name = f"anh-{n}.jpg"
        body = bases[n % len(bases)] + f"\nanh {n}".encode()
        kind = "image"
    with open(os.path.join(uploads, name), "wb") as f:
        f.write(body)
    media.append((100000 + n, f"{site}/wp-content/uploads/2025/01/{name}", kind))
images = [m for m in media if m[2] == "image"]
pdfs = [m for m in media if m[2] == "pdf"]

categories = ["tin-tuc-su-kien", "chi-dao-dieu-hanh", "pho-bien-phap-luat", "quy-hoach-ke-hoach", "du-an-dau-tu",
              "cong-khai-ngan-sach", "chinh-sach-an-sinh", "lay-y-kien", "hoi-dap", "van-hoa-the-thao"]
sentences = ["Ủy ban nhân dân xã Hải Nam tổ chức hội nghị triển khai nhiệm vụ trọng tâm.",
             "Các thôn đã huy động hơn 500 lượt người dân tham gia vệ sinh môi trường.",
             "Bộ phận Một cửa tiếp nhận hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia.",
             "Đề nghị các đoàn thể phối hợp tuyên truyền đến từng hộ gia đình.",
             "Kết quả thực hiện được báo cáo về Ủy ban nhân dân xã trước ngày 30 hằng tháng."]

def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

parts = ['<?xml version="1.0" encoding="UTF-8" ?>',
         '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">',
         f"<channel><title>UBND xã Hải Nam</title><link>{site}</link><wp:wxr_version>1.2</wp:wxr_version>",
         "<wp:author><wp:author_login>an</wp:author_login><wp:author_display_name>" + cdata("Nguyễn Văn An") + "</wp:author_display_name></wp:author>"]
for slug in categories + ["van-ban"]:
    parts.append(f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>{slug}</wp:cat_name></wp:category>")
for (mid, url, kind) in media:
    parts.append(f"<item><title>{escape(os.path.basename(url))}</title><link>{url}</link><wp:post_id>{mid}</wp:post_id>"
                 f"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:post_parent>0</wp:post_parent>"
                 f"<wp:attachment_url>{url}</wp:attachment_url>"
                 + (f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>{cdata('Ảnh hoạt động số ' + str(mid))}</wp:meta_value></wp:postmeta>" if kind == "image" else "")
                 + "</item>")
image_at = 0
pdf_at = 0
for n in range(items):
    year, month, day = 2010 + n % 16, 1 + n % 12, 1 + n % 28
    document = n % 10 == 0
    paragraphs = ["<p>" + " ".join(random.choice(sentences) for _ in range(4)) + "</p>" for _ in range(3)]
    meta = ""
    if document:
        number = f"{n // 10 + 1}/QĐ-UBND"
        title = f"Quyết định số {number} ngày {day}/{month}/{year} về việc triển khai nhiệm vụ số {n}"
        head = f"Số: {number}\nNgày ban hành: {day:02d}/{month:02d}/{year}\nNgười ký: Nguyễn Văn Hùng\n\n"
        link = ""
        if pdf_at < len(pdfs):
            link = f'\n\n<a href="{pdfs[pdf_at][1]}">Tải về toàn văn</a>'
            pdf_at += 1
        content = head + "\n\n".join(paragraphs) + link
        category = "van-ban"
    else:
        title = f"Tin hoạt động số {n}: " + random.choice(sentences)[:60]
        content = "\n\n".join(paragraphs)
        category = categories[n % len(categories)]
        if image_at < len(images):
            (mid, url, _) = images[image_at]
            image_at += 1
            content += f'\n\n<img src="{url[:-4]}-1024x640.jpg" alt="Ảnh hoạt động {n}" width="1024" height="640" />'
            meta = f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{mid}</wp:meta_value></wp:postmeta>"
    slug = f"bai-{n}"
    parts.append(
        f"<item><title>{cdata(title)}</title><link>{site}/{year}/{month:02d}/{slug}/</link><dc:creator>an</dc:creator>"
        f"<content:encoded>{cdata(content)}</content:encoded><excerpt:encoded></excerpt:encoded><wp:post_id>{n + 1}</wp:post_id>"
        f"<wp:post_date>{year}-{month:02d}-{day:02d} 08:00:00</wp:post_date><wp:post_date_gmt>{year}-{month:02d}-{day:02d} 01:00:00</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="{category}">{cdata(category)}</category>{meta}</item>')
parts.append("</channel></rss>")
with open(os.path.join(out, "export.xml"), "w", encoding="utf-8") as f:
    f.write("\n".join(parts))
print(f"{items} items, {len(images)} images, {len(pdfs)} PDFs, {image_at} featured images used")
