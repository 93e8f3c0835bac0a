"""Chinese surnames: every common single-character and compound surname (百家姓), so that
generated training names cover the surnames staff will meet at the counter."""
from __future__ import annotations

# 百家姓 single-character surnames, common first, then rarer ones met at county branches.
SURNAMES = "".join(dict.fromkeys(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
    "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾"
    "隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫"
    "杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    "蓟籍逄訾厍笪乜郗汲邴糜弓牧隗宓蓬仰秋钭韶怀从鄂咸赖能苍双莘贡扶堵宰郦却璩濮寿通郏别庾终暨步弘禄殳沃蔚越夔融毋养须"
    "巢蒯后红竺益桓"
    # Found missing when checking the list against names in the NLU data.
    "阎庹慎汝滑荀言贲钮仉佴靖苌菅缑郇酆暴钦"
))
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "慕容", "东方", "皇甫", "令狐", "尉迟", "长孙", "司徒", "夏侯", "端木", "公孙",
    "申屠", "闻人", "宇文", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "轩辕", "呼延", "南宫", "西门",
    "百里", "东郭", "万俟", "钟离", "赫连", "独孤", "拓跋", "第五", "左丘", "司空",
)

# What staff put after a surname when they do not write the given name: 王先生, 李阿姨, 张总.
TITLES = ("先生", "女士", "小姐", "阿姨", "大爷", "大妈", "大姐", "大哥", "老师", "师傅", "老板", "奶奶", "爷爷",
          "叔叔", "阿叔", "总", "姐", "哥", "叔", "婶", "伯", "某某", "某")


def surname_of(name: str) -> str | None:
    """The surname a name starts with (a compound one first), or None."""
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[0] if name and name[0] in SURNAMES else None


def partial_name(text: str) -> str | None:
    """The surname of a customer named only in part: a compound surname alone (欧阳, 司马), a
    surname and a title (王先生, 李阿姨, 张总, 王某某), or 老王 / 小李. None for anything else.

    A partial name names somebody: a lookup, a visit or a referral about "欧阳" is about a
    customer surnamed 欧阳, never about the customer the conversation was about before. Read on
    jieba's words, so that 东方 of 东方明珠 or 广东方面 is no surname."""
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    words = jieba.lcut(text or "")
    jieba.dt.check_initialized()
    for index, word in enumerate(words):
        if word in COMPOUND_SURNAMES:
            return word
        following = words[index + 1] if index + 1 < len(words) else ""
        if len(word) == 1 and word in SURNAMES and following in TITLES:
            return word
        if 2 <= len(word) <= 4 and surname_of(word) and word[len(surname_of(word)):] in TITLES:
            return surname_of(word)
        if len(word) == 2 and word[0] in "老小" and word[1] in SURNAMES and jieba.dt.FREQ.get(word, 0) < 1000:
            return word[1]  # 老王, 小李; not 老师, 小姐, 老板
    return None


# A word this rare in jieba's dictionary, written with a surname first and tagged a person's name
# by jieba's part-of-speech model, reads as a person's name (王建国 is not in the dictionary;
# 高兴, 金额, 方便, 阿姨, 谢谢 are common words). Checked against every example of data/nlu and
# tests/nlu/heldout.yml: with the bank's product words
# excluded, about 20 of 3,041 messages get a word that is no name, mostly small talk.
RARE_WORD_FREQUENCY = 1000
# Three characters tagged a name are a name even when jieba's dictionary knows it well (张无忌,
# 1714): the few such words that are none are listed in _NOT_NAMES.
RARE_LONG_NAME_FREQUENCY = 10000
# A given name cut from its surname by jieba ("王|大锤") is a word this rare.
RARE_GIVEN_NAME_FREQUENCY = 20
_NOT_A_GIVEN_NAME = ("经理", "行长", "主任", "老师", "师傅", "阿姨", "先生", "女士")
# Kin and everyday words that jieba tags as names now and then.
_NOT_NAMES = frozenset({"孙子", "孙女", "关怀", "安抚", "周转", "养老", "白白", "段子", "蓝屏", "哈罗", "谢谢您",
                        "阿拉伯", "莫斯科", "花岗岩", "贡献者", "屈家岭", "斯巴达", "明永乐", "黄金周", "古建筑",
                        "须弥座", "李太后", "封建王朝"})


def name_like_words(text: str, exclude: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Words of the message that read as a person's full name (2-4 Han characters, a surname
    first, rare as a word, tagged a name by jieba). Used only after the NLU and the bank's own
    lists of names found nobody, to tell "a name that finds nobody" from "no name at all"."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.ERROR)
    jieba.dt.check_initialized()
    found = []
    tokens = jieba.posseg.lcut(text or "")
    for index, token in enumerate(tokens):
        word = token.word
        following = tokens[index + 1].word if index + 1 < len(tokens) else ""
        if (len(word) == 1 and word in SURNAMES and token.flag.startswith("nr") and 1 <= len(following) <= 2
                and all("\u4e00" <= c <= "\u9fff" for c in following) and following not in TITLES
                and following not in _NOT_NAMES and word + following not in exclude
                and jieba.dt.FREQ.get(following, 0) < RARE_GIVEN_NAME_FREQUENCY):
            found.append(word + following)  # 王 + 大锤: a surname jieba cut off a given name it knows little
            continue
        if not token.flag.startswith("nr") or not 2 <= len(word) <= 4 or word in exclude or word in _NOT_NAMES:
            continue
        if not all("\u4e00" <= c <= "\u9fff" for c in word) or word.endswith(_NOT_A_GIVEN_NAME):
            continue
        surname = surname_of(word)
        if surname is None or len(word) == len(surname) or word[-1] in "了的着过吗呢吧啊呀么嘛哈":
            continue
        rare = RARE_WORD_FREQUENCY if len(word) == 2 else RARE_LONG_NAME_FREQUENCY
        if jieba.dt.FREQ.get(word, 0) < rare:
            found.append(word)
    return found


def warm_up() -> None:
    """Load jieba's dictionary and part-of-speech model now rather than in the first message that
    names nobody (about a second), at the action server's start."""
    partial_name("欧阳先生")
    name_like_words("刚进来那个张翠花大妈")
