"""Which web hosts may not stand behind a fact in this course: encyclopedias, aggregators and document-sharing copies.

A UN trainer signs off a course only if its facts rest on primary sources: UN documents by symbol, Security Council
resolutions, OECD, African Union and DCAF publications, the institutions' own pages. An encyclopedia, a news
aggregator that re-posts a UN press release, or a copy of a report on a document-sharing site may be wrong,
outdated or altered, and it hides who is speaking. The content model rejects such a URL in a ``sources`` list, and
tests/test_sources.py checks every source and every link in the notebooks and the sample item bank.

When a fact is only found on such a site, cite the primary document by its title and symbol without a URL, or
find the publisher's own page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["SECONDARY_HOSTS", "secondary_host"]

#: Hosts (and their subdomains) that are encyclopedias, aggregators or document-sharing copies, never sources.
SECONDARY_HOSTS: dict[str, str] = {
    # encyclopedias and wiki mirrors
    "wikipedia.org": "an encyclopedia",
    "wikiwand.com": "an encyclopedia mirror",
    "wikisum.wiki": "an encyclopedia summary",
    "howlingpixel.com": "an encyclopedia mirror",
    "everybodywiki.com": "a wiki",
    "britannica.com": "an encyclopedia",
    "encyclopedia.com": "an encyclopedia",
    "newworldencyclopedia.org": "an encyclopedia",
    # news aggregators and re-posts of UN press releases
    "agenparl.eu": "a news aggregator",
    "newstrackindia.com": "a news aggregator",
    "pnp.com.pk": "a news aggregator",
    "gsmarthub.info": "a news aggregator",
    "promptnewsonline.com": "a news aggregator",
    "rssing.com": "a feed aggregator",
    "ionglobaltrends.com": "a blog aggregator",
    "modeldiplomat.com": "a study summary site",
    "womennet.am": "a secondary summary site",
    "unscr.com": "an unofficial copy of Security Council resolutions",
    # document-sharing copies
    "docslib.org": "a document-sharing copy",
    "scribd.com": "a document-sharing copy",
    "studocu.com": "a document-sharing copy",
    "studylib.net": "a document-sharing copy",
    "studylib.es": "a document-sharing copy",
    "studylibde.com": "a document-sharing copy",
    "studylibfr.com": "a document-sharing copy",
    "docplayer.net": "a document-sharing copy",
    "docplayer.org": "a document-sharing copy",
    "docplayer.info": "a document-sharing copy",
    "pdffox.com": "a document-sharing copy",
    "pdfslide.us": "a document-sharing copy",
    "pdfslide.net": "a document-sharing copy",
    "fdocuments.in": "a document-sharing copy",
    "fdocuments.net": "a document-sharing copy",
    "vdocuments.net": "a document-sharing copy",
    "vdocuments.mx": "a document-sharing copy",
    "documents.pub": "a document-sharing copy",
    "dokumen.pub": "a document-sharing copy",
    "dokumen.tips": "a document-sharing copy",
    "ebin.pub": "a document-sharing copy",
    "docsbay.net": "a document-sharing copy",
    "docest.com": "a document-sharing copy",
    "doczz.net": "a document-sharing copy",
    "lawsdocbox.com": "a document-sharing copy",
    "muhaz.org": "a document-sharing copy",
    "coursehero.com": "a document-sharing copy",
    "yumpu.com": "a document-sharing copy",
    "issuu.com": "a document-sharing copy",
    "slideshare.net": "a document-sharing copy",
    "pdfcoffee.com": "a document-sharing copy",
    "kupdf.net": "a document-sharing copy",
    "silo.pub": "a document-sharing copy",
    "pdfdrive.com": "a document-sharing copy",
    "pdfdrive.to": "a document-sharing copy",
    "academia.edu": "a document-sharing copy",
}


def secondary_host(url: str) -> str | None:
    """What kind of non-primary site ``url`` is on ("an encyclopedia", ...), or None if its host is not listed."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for listed, what in SECONDARY_HOSTS.items():
        if host == listed or host.endswith("." + listed):
            return what
    return None
