"""`schoolwatch explain`: for one post, every candidate the matcher considered and why it was
matched or turned down. The tuning tool for an admin: paste a post, see what a watchlist entry
does with it, change the config, run again.

    schoolwatch explain "Mr Smith at Kingsmead was brilliant" [--title T] [--author A]
    schoolwatch explain --input posts.jsonl [--id ID]     (the `classify` input format)
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from config.schema import Config
from pipelines.analyse import Analyser
from pipelines.match import Watchlist
from pipelines.normalise import normalise
from pipelines.post import Post


def run_explain(
    cfg: Config,
    text: str | None,
    stdout: IO[str],
    stderr: IO[str],
    *,
    title: str = "",
    author: str = "",
    images: list[str] | None = None,
    input: str | None = None,
    post_id: str | None = None,
) -> int:
    """Print the explanation for TEXT or for posts of a JSON Lines file. Returns the exit status."""
    watchlist = Watchlist.from_config(cfg)
    posts: list[Post] = []
    bad_lines: list[str] = []
    if input is not None:
        try:
            posts, bad_lines = _read_posts(Path(input), post_id)
        except OSError as e:
            print(f"schoolwatch explain: {e}", file=stderr)
            return 2
        for problem in bad_lines:  # named, and the other posts are still explained
            print(f"schoolwatch explain: {problem}", file=stderr)
        if not posts:
            if post_id is not None:
                print(f"schoolwatch explain: {input}: no post with id {post_id!r}", file=stderr)
            else:
                print(f"schoolwatch explain: {input}: no post to explain", file=stderr)
            return 2
    elif text is not None:
        posts = [Post(text=text, id="-", title=title, author=author, images=list(images or []))]
    else:
        print("schoolwatch explain: give the post's text, or --input FILE", file=stderr)
        return 2
    analysers: list[Analyser] = []  # built at the first held mention (it loads the model)
    for post in posts:
        _explain_one(watchlist, cfg, normalise(post), stdout, analysers)
    return 2 if bad_lines else 0


def _explain_one(
    watchlist: Watchlist, cfg: Config, post: Post, out: IO[str], analysers: list[Analyser]
) -> None:
    out.write(f"post {post.id}:\n")
    for fld in ("title", "text", "author"):
        value = getattr(post, fld)
        if value:
            out.write(f"  {fld}: {value!r}\n")
    considered = watchlist.explain(post)
    matched = [c for c in considered if c.matched]
    if not considered:
        out.write("  no candidate: no word of the post is a watched name, alias or place\n")
    for c in considered:
        out.write(f"  {c.line()}\n")
    if post.images:
        from pipelines.logo import explain_logos

        for line in explain_logos(cfg, post.images):
            out.write(f"  {line}\n")
    held = [c for c in considered if c.held]
    if not matched and held:
        # What analysing does with them: kept if the post reads as safeguarding.
        analysers[:] = analysers or [Analyser(cfg)]
        if analysers[0].analyse(post).mentions:
            out.write(f"  => relevant: {len(held)} held mention(s) kept, as the post reads as "
                      "safeguarding\n")  # fmt: skip
        else:
            out.write(f"  => not relevant: {len(held)} held mention(s) dropped, as the post does "
                      "not read as safeguarding\n")  # fmt: skip
        return
    verdict = "relevant" if matched else "not relevant"
    out.write(f"  => {verdict}: {len(matched)} mention(s)\n")


def _read_posts(path: Path, post_id: str | None) -> tuple[list[Post], list[str]]:
    """Posts of a classify-format JSON Lines file (all, or the one with `post_id`), and a
    message naming each line that could not be read: one bad line loses no other post."""
    from schoolwatch.classify_cmd import LineError, _parse, post_from_json

    posts, problems = [], []
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
                if not line.strip():
                    continue
                post = post_from_json(_parse(line), path.resolve().parent)
            except UnicodeDecodeError as e:
                problems.append(f"{path}:{n}: not UTF-8 text ({e.reason})")
                continue
            except LineError as e:
                problems.append(f"{path}:{n}: {e}")
                continue
            if post_id is None or post.id == post_id:
                posts.append(post)
    return posts, problems
