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
