"""Make a reply-shaped synthetic corpus of about N passages, for timing builds and queries at scale.

    python scripts/make_corpus.py --chunks 100000 --out /tmp/corpus-100k

Each synthetic reply has the official layout rag parses — issuer, 文号, title, addressee, the
numbered sections (一、 （一） 1.), thanks, signature, date, 抄送 and a contact line — filled with
Chinese sentences from the public benchmarks' paragraphs (CMRC 2018, XQuAD; ../shared/benchmarks)
and random names, numbers and dates, so the vocabulary keeps growing with the corpus. The five
real replies of corpus/ are copied in, so the headline question (外资研发中心 453 家) must still be
answered from 沪科提复〔2023〕50号 among everything else. Sentences that mention foreign R&D centres
are left out of the pool: the headline passage stays the only one that answers it.

The pool holds about 30,000 sentences; at 1M passages each recurs a few hundred times, which
real replies do far less. Caches keyed by text (rag.entities remembers tagged runs) therefore hit
more here than on a real corpus of the same size; scripts/bench_scale.py reports the per-passage
cost on the real replies and the benchmark paragraphs beside it.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rag.text import sentences  # noqa: E402

BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
SOURCES = ["cmrc2018/cmrc2018_dev.json", "cmrc2018/cmrc2018_trial.json", "xquad/xquad.zh.json"]
CHARS_PER_PASSAGE = 160  # measured: characters of reply text per passage the chunker makes
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国民志海波宇鹏浩然晨晓琳雪梅丹慧欣怡子轩博文思远嘉诚俊杰雨萱梓涵"
NUMERALS = "一二三四五六七八九十"
SESSIONS = ["市政协十四届一次会议", "市政协十四届二次会议", "市政协十三届五次会议", "市十六届人大一次会议", "市十六届人大二次会议"]
LEADS = ["加强", "推进", "支持", "完善", "深化", "加快", "优化", "培育", "健全", "拓展"]


def sentence_pool() -> list[str]:
    pool = []
    for rel in SOURCES:
        data = json.loads((BENCHMARKS / rel).read_text(encoding="utf-8"))
        for article in data["data"]:
            for para in article["paragraphs"]:
                text = para["context"].replace("\n", "")
                for s, e in sentences(text):
                    sent = text[s:e].strip()
                    if 12 <= len(sent) <= 160 and "外资研发" not in sent and "研发中心" not in sent:
                        pool.append(sent)
    return sorted(set(pool))


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def clause(rng: random.Random, pool: list[str], limit: int = 18) -> str:
    text = rng.choice(pool).rstrip("。！？；")
    return text.split("，")[0][:limit]


def reply(rng: random.Random, pool: list[str], serial: int, target_chars: int) -> str:
    year = rng.randint(2016, 2025)
    proposal = rng.random() < 0.6
    docno = f"沪科{'提' if proposal else '建'}复〔{year}〕{1000 + serial}号"
    who = "、".join(name(rng) for _ in range(rng.choice((1, 1, 2, 3))))
    kind = "提案" if proposal else "代表建议"
    title = f"对{rng.choice(SESSIONS)}第{rng.randint(1, 1999):04d}号{kind}的答复"
    topic = f"关于{rng.choice(LEADS)}{clause(rng, pool, 14)}的{'提案' if proposal else '建议'}"
    lines = ["上海市科学技术委员会", "", docno, "", title, "", f"{who}{'委员' if proposal else '代表'}：", "",
             f"您提出的“{topic}”收悉，经研究，现将办理情况答复如下：", ""]
    body = 0
    section = 0
    while body < target_chars:
        lines += [f"{NUMERALS[section % 10]}、{rng.choice(LEADS)}{clause(rng, pool)}", ""]
        for sub in range(rng.randint(1, 3)):
            lines += [f"（{NUMERALS[sub]}）{clause(rng, pool)}"]
            for item in range(rng.randint(1, 3)):
                para = "".join(rng.sample(pool, rng.randint(2, 5)))
                para = para.replace("。", f"。截至{year}年，累计{rng.choice(LEADS)}项目{rng.randint(2, 900)}项。", 1) if rng.random() < 0.3 else para
                lines += [f"{item + 1}.{para}", ""]
                body += len(para)
        section += 1
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    lines += ["感谢您对本市科技工作的关心和支持！", "", "上海市科学技术委员会", "", f"{year}年{month}月{day}日", "",
              "抄送：市政府办公厅建议提案处，市政协提案办。", "",
              f"联系人：{name(rng)}，联系电话：{rng.randint(20000000, 69999999)}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, required=True, help="about how many passages the corpus should make")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-dir", type=int, default=1000, help="files per sub-directory")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = sentence_pool()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        shutil.copy(p, args.out / p.name)
    target = args.chunks * CHARS_PER_PASSAGE
    written = serial = 0
    while written < target:
        text = reply(rng, pool, serial, rng.randint(1200, 5000))
        folder = args.out / f"{serial // args.per_dir:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"reply_{serial:07d}.txt").write_text(text, encoding="utf-8")
        written += len(text)
        serial += 1
    print(f"{serial} synthetic replies + 5 real ones, {written:,} characters, in {args.out} (pool of {len(pool):,} sentences)")


if __name__ == "__main__":
    main()
