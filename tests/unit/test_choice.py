import pytest

from bot.vocabulary.choice import ByDescription, ByPhoneTail, ByPosition, confirms, parse_choice


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2", ByPosition(2)),
        ("２", ByPosition(2)),
        ("第二个", ByPosition(2)),
        ("第2个", ByPosition(2)),
        ("就第一个吧", ByPosition(1)),
        ("三", ByPosition(3)),
        ("最后那个", ByPosition(3)),
        ("尾号5678", ByPhoneTail("5678")),
        ("5678", ByPhoneTail("5678")),
        ("手机尾号是4321的那个", ByPhoneTail("4321")),
    ],
)
def test_ways_of_picking_from_a_list(text, expected):
    assert parse_choice(text, 3) == expected


@pytest.mark.parametrize("text", ["好的", "不知道", "都不是"])
def test_messages_that_pick_nothing(text):
    assert parse_choice(text, 3) is None


@pytest.mark.parametrize("text", ["确认", "好的", "嗯嗯没问题 记上吧", "对,就这样", "确认无误", "👍", "可以,保存吧", "OK!",
                                  "是的,确认", "没问题 发吧"])
def test_an_explicit_confirmation_saves(text):
    assert confirms(text, "affirm", {})


@pytest.mark.parametrize("text", ["补充", "李秀英", "😀😀", "???", "新建", "不对", "吧", "好的,不过客户改成陈美玲",
                                  "确认一下她的定期", "嗯,转给王芳"])
def test_anything_else_the_nlu_read_as_agreement_saves_nothing(text):
    assert not confirms(text, "affirm", {})


def test_a_namesake_is_picked_by_how_she_describes_him():
    from bot.vocabulary.choice import ByDescription, described

    people = [("王建国", 60), ("王建国", 38)]
    age = lambda person: person[1]  # noqa: E731
    for text, expected in (("年轻的那个", ("王建国", 38)), ("不对,是年纪大的那位", ("王建国", 60)),
                           ("38岁那个", ("王建国", 38)), ("60岁的", ("王建国", 60))):
        choice = parse_choice(text, 2)
        assert isinstance(choice, ByDescription) and described(choice, people, age) == expected, text
    assert described(ByDescription(age=45), people, age) is None  # fits nobody: asked again
    assert described(ByDescription(youngest=True), [("a", 40), ("b", 40)], age) is None  # fits two


@pytest.mark.parametrize("text,expected", [
    ("是退休教师那个", ByDescription(words="退休教师")), ("城关支行那位", ByDescription(words="城关支行")),
    ("做生意的那个吧", ByDescription(words="做生意")), ("女的那个", ByDescription(gender="F")),
    ("男的那位", ByDescription(gender="M")), ("王建国的理财", None), ("那个", None), ("是这个吧", None),
])
def test_a_description_points_at_one_of_the_list(text, expected):
    assert parse_choice(text, 2) == expected
