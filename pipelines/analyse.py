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

KEPT_HELD = "a weak mention held for want of context is kept: the post reads as safeguarding"
# The safeguarding score that keeps a held mention: a safeguarding label, and more sure than
# the model's bar on a post the matcher found (pipelines.classify.SAFEGUARDING_MODEL_ALONE),
# since the school itself is in doubt.
HELD_SAFEGUARDING = 0.5


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
        mentions, held, notes = self.watchlist.find_held(clean)
        if self.logos is not None and clean.images:
            from pipelines.logo import logo_mentions

            found, more = logo_mentions(self.logos, clean.images)
            mentions, notes = mentions + found, notes + more
        verdict = None
        if not mentions and held:
            # A weak mention with nothing round it to say it is the school ("cant face st
            # aidans again, same people calling me names") is dropped, unless a child may be at
            # risk: then a namesake's false alarm costs the safeguarding lead a glance, and a
            # dropped real one could cost a child. The post still names the school or a member
            # of staff (DESIGN.md: match first), only less surely; issue 4 asks for precision
            # first but near-perfect recall on safeguarding, and this is where the two meet.
            verdict = self.classifier.classify(clean, held)
            sure = verdict.scores.get("safeguarding", 0.0) >= HELD_SAFEGUARDING
            if sure and "safeguarding" in verdict.labels:
                mentions, notes = held, [*notes, KEPT_HELD]
            else:
                verdict = None
        analysis = Analysis(
            post=clean,
            canonical_url=canonical_url(clean.url) if clean.permalink else "",
            fingerprint=fingerprint(clean),
            mentions=mentions,
        )
        if mentions:  # labels and severity only for posts about a configured school or staff
            verdict = verdict or self.classifier.classify(clean, mentions)
            analysis.labels = verdict.labels
            analysis.scores = verdict.scores
            analysis.severity = verdict.severity
            analysis.reasons = [*verdict.reasons, *notes]
        else:
            analysis.reasons = notes or ["no configured school or staff member mentioned"]
        return analysis
