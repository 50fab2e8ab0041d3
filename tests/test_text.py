from rag.text import add_words, detect_lang, normalize, sentences, squash, tokenize, words


def test_tokens_keep_numbers_percentages_and_latin_stems():
    toks = tokenize("截止目前，上海累计成立外资研发中心 453 家。占 GDP 的比重达 4.2%，AI for Science")
    assert {"外资", "研发", "中心", "453", "gdp", "4.2%", "4.2", "ai", "scienc"} <= set(toks)
    assert "的" not in toks and "for" not in toks and "，" not in toks


def test_full_width_forms_are_normalised():
    assert normalize("ＧＤＰ占比４．２％") == "gdp占比4.2%"
    assert tokenize("ＧＤＰ") == tokenize("GDP") == ["gdp"]


def test_sentences_keep_closing_quotes_and_trim_space():
    text = "一是推进。“十四五”以来，支撑！好吗？“好。”然后\n下一行"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["一是推进。", "“十四五”以来，支撑！", "好吗？", "“好。”", "然后", "下一行"]
    assert sentences("  首句。 ", offset=10) == [(12, 15)]


def test_language_detection():
    assert detect_lang("How many foreign R&D centres are there?") == "en"
    assert detect_lang("2022年研发经费占GDP比重是多少？") == "zh"
    assert detect_lang("GDP比重") == "zh"


def test_added_words_stay_whole():
    add_words(["葛梦然测"])
    assert "葛梦然测" in tokenize("联系人葛梦然测")


def test_words_group_a_word_with_its_pieces():
    got = dict(words("市科委第一次搞揭榜挂帅"))
    assert "第一次" in got and set(got["第一次"]) >= {"第一", "一次"}


def test_squash_ignores_all_whitespace():
    assert squash("2023 年 8 月 14 日") == squash("2023年8月14日")


def test_text_without_chinese_is_split_as_the_segmenter_would_without_loading_it():
    # an English question skips the segmenter; its tokens must be those a passage mixing Chinese
    # and English gets from the segmenter, or the two would not meet in the index
    import re

    from rag.text import _segmenter, _split_ascii, _segments

    samples = ["gdp 4.2% ai for science 6g r&d as-278 covid-19 2022", "the 2015 season, 24 interceptions; 3.5% of 1,000",
               "A1B2 x86_64 v2.0.1 100%", "7.3km www.example.org formula_12"]
    seg = _segmenter()
    for s in samples:
        assert _segments(s, search=True) == [t for t in _split_ascii(seg.cut_for_search(normalize(s))) if re.match(r"[a-z0-9]", t)]


def test_an_english_question_does_not_load_the_segmenter(seed_index_dir):
    import subprocess
    import sys

    code = (
        "from rag.engine import Engine; from rag.config import Config; from rag.text import _segmenter;"
        f"e = Engine(Config(corpus_dir='corpus', index_dir={str(seed_index_dir)!r}, model=None), build=False);"
        "a = e.ask('How many foreign R&D centres are there?'); assert a.found and '453' in a.answer;"
        "print(_segmenter.cache_info().currsize)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "0"


def test_a_demonstrative_with_its_measure_word_is_no_word_of_the_topic():
    found = [w for w, _ in words("这位科学家曾在那所学校任教，该项研究持续多年")]
    assert "科学家" in found and "学校" in found and "研究" in found
    assert not {"这位", "那所", "该项"} & set(found)
    assert "本市" in [w for w, _ in words("本市共有多少家实验室")]  # 本市 names the city


def test_a_mark_inside_a_title_ends_no_sentence():
    text = "《卡拉OK.LIVE！‧台北‧我》是他的第六张专辑。好听！《未闭合！后面的句子。"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["《卡拉OK.LIVE！‧台北‧我》是他的第六张专辑。", "好听！", "《未闭合！", "后面的句子。"]
