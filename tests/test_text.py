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
