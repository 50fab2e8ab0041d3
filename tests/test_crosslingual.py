import pytest

from rag.crosslingual import Translator, american, build_dictionary, english_key
from rag.text import tokenize


@pytest.fixture(scope="module")
def translator(engine):
    return engine.index.translator


def alternatives(groups):
    return {t for g in groups for t, _ in g.alternatives}


def test_british_spelling_and_stems_meet_american_glosses():
    assert american("centres") == "centers" and american("organisation") == "organization"
    assert english_key("foreign R&D centres") == english_key("foreign r&d center")
    assert english_key("to research and develop") == english_key("research and development")


def test_headline_question_reaches_the_chinese_phrase(translator):
    groups = translator.translate("How many foreign R&D centres are there?")
    assert "外资研发中心" in alternatives(groups)


def test_abbreviations_expand_unless_the_passages_use_them(translator):
    assert "研发" in alternatives(translator.translate("R&D"))
    assert "研发经费" in alternatives(translator.translate("R&D spending"))  # a glossary phrase, whole
    gdp = translator.translate("share of GDP")
    assert "gdp" in alternatives(gdp)  # the replies write "GDP"
    assert "国内" not in alternatives(gdp)


def test_names_and_places_by_pinyin(translator):
    assert "李琛浩" in alternatives(translator.translate("the reply to Li Chenhao"))
    assert "杨守业" in alternatives(translator.translate("Yang Shouye"))
    assert "嘉定" in alternatives(translator.translate("Jiading new town"))


def test_numbers_and_latin_tokens_stay_verbatim(translator):
    groups = translator.translate("6G research in 2022")
    assert {"6g", "2022"} <= alternatives(groups)


def test_words_the_corpus_lacks_weigh_by_how_specific_they_are(translator):
    unicorn = translator.translate("unicorn")[0]
    away = translator.translate("away")[0]
    assert unicorn.alternatives == (("unicorn", 1.0),) and away.alternatives == (("away", 1.0),)  # nothing in the index
    assert unicorn.weight > 2 * away.weight  # a specific word says more than a common one


def test_dictionary_is_restricted_to_the_vocabulary():
    data = build_dictionary({"研发", "中心", "外资"})
    vocab = {"研发", "中心", "外资"}
    words = {zh for alts in data["exact"].values() for zh, _ in alts}
    assert "研发中心" in words  # a glossary phrase made of index words
    assert all(w in vocab or set(tokenize(w)) <= vocab for w in words)
    assert "研发" in {zh for zh, _ in data["exact"][english_key("research and development")]}
    t = Translator(data, {"研发", "中心", "外资"})
    assert "研发" in alternatives(t.translate("research and development center"))


def test_a_word_is_not_translated_by_a_late_sense_of_another():
    # 总体 is "complete; total; entire; overall; population (statistics)": with 人口 absent from the
    # index, "population" has no translation here rather than a wrong one
    data = build_dictionary({"总体", "人口"})
    assert "人口" in {zh for zh, _ in data["exact"][english_key("population")]}
    data = build_dictionary({"总体", "方案"})
    assert english_key("population") not in data["exact"]
    assert "总体" in {zh for zh, _ in data["exact"][english_key("overall")]}


def test_a_latin_word_the_passages_also_use_is_still_translated():
    # a passage that names an English title ("A Machine to End War") puts "war" in the index; a
    # question's "war" must still reach the 战争 of every other passage
    vocab = {"war", "战争", "机器", "zorg"}
    t = Translator(build_dictionary(vocab), vocab)
    assert {"war", "战争"} <= alternatives(t.translate("Which war ended?"))
    assert alternatives(t.translate("zorg")) == {"zorg"}  # nothing to translate it by: as the passages write it


def test_the_replies_latin_abbreviation_and_its_chinese_name_both_count(translator):
    assert {"ai", "人工智能"} <= alternatives(translator.translate("What is planned for AI?"))


def test_irregular_past_forms_meet_the_glosses_of_their_verbs():
    vocab = {"领导", "赢得", "支出"}
    t = Translator(build_dictionary(vocab), vocab)
    assert "领导" in alternatives(t.translate("Who led the team?"))
    assert "赢得" in alternatives(t.translate("Which club won the cup?"))
    assert "支出" in alternatives(t.translate("How much was spent?"))
