"""The one implementation of "what does this post mean", used by the crawl pipeline,
`schoolwatch classify` and any preview: normalise -> canonical URL -> fingerprint -> match ->
classify.
"""

from __future__ import annotations

from typing import Any

from config.schema import Config
from pipelines.classify import Classifier
from pipelines.fingerprint import fingerprint
from pipelines.match import Watchlist
from pipelines.normalise import canonical_url, normalise
from pipelines.post import Analysis, Post


class Analyser:
    """Compiles the config's watchlists and rules once; `analyse` is then cheap per post.

    Raises config.ConfigError from the constructor if a nickname file named in the config is
    missing or malformed.
    """

    def __init__(self, cfg: Config) -> None:
        self.config = cfg
        self.watchlist = Watchlist.from_config(cfg)
        self.classifier = Classifier.from_config(cfg)
        self.logos: Any = None  # a pipelines.logo.LogoMatcher; OpenCV loads only if logos are set
        if any(s.logos for s in cfg.schools):
            from pipelines.logo import LogoMatcher

            self.logos = LogoMatcher.from_config(cfg)

    def analyse(self, post: Post) -> Analysis:
        clean = normalise(post)
        mentions, notes = self.watchlist.find_explained(clean)
        if self.logos is not None and clean.images:
            from pipelines.logo import logo_mentions

            found, more = logo_mentions(self.logos, clean.images)
            mentions, notes = mentions + found, notes + more
        analysis = Analysis(
            post=clean,
            canonical_url=canonical_url(clean.url) if clean.permalink else "",
            fingerprint=fingerprint(clean),
            mentions=mentions,
        )
        if mentions:  # labels and severity only for posts about a configured school or staff
            verdict = self.classifier.classify(clean, mentions)
            analysis.labels = verdict.labels
            analysis.scores = verdict.scores
            analysis.severity = verdict.severity
            analysis.reasons = [*verdict.reasons, *notes]
        else:
            analysis.reasons = notes or ["no configured school or staff member mentioned"]
        return analysis
