"""Company domains from e-mail addresses and websites, public-suffix aware (shell side).

`registered_domain("mail.acme.co.id") == "acme.co.id"`, `"kemenkeu.go.id"` stays itself,
`"https://www.shop.com.au/x"` gives `"shop.com.au"`. tldextract reads only the public-suffix
snapshot bundled with the package (`suffix_list_urls=()`): never a run-time download.
"""

from __future__ import annotations

from functools import lru_cache

from tldextract import TLDExtract

_EXTRACT = TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def registered_domain(host_or_url: str) -> str:
    """The registrable domain of a host, URL or e-mail domain; the input lowered if none."""
    text = host_or_url.strip().lower().rsplit("@", 1)[-1]
    parts = _EXTRACT(text)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return text.split("//", 1)[-1].split("/", 1)[0]
