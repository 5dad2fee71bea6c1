"""Write directory/data/zh_dict.txt, the small Chinese dictionary that search segments with.

    .venv/bin/python scripts/build_zh_dict.py

jieba's own dictionary (349,046 words) costs about 60 MB and 0.8 s to load in every web and
worker process; this one keeps its 30,000 most frequent words and adds the vocabulary of a
lawyer directory (legal terms, places, languages), about 5 MB and 0.05 s. Words it lacks are
still found: search documents also hold every pair of adjacent characters (directory.search).
Frequencies are jieba's (MIT licence), so words segment as they would with the full dictionary.
"""

from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "directory" / "data" / "zh_dict.txt"
MOST_FREQUENT = 30_000
# A word jieba does not know gets this frequency: a common word's, so that it is kept whole.
DEFAULT_FREQUENCY = 3000

LEGAL = """
律师 律所 律师事务所 事务所 法律 法律顾问 常年法律顾问 法务 合伙人 高级合伙人 执业 执业律师 执业证 律师协会
诉讼 仲裁 调解 和解 上诉 起诉 应诉 判决 裁定 执行 强制执行 法院 人民法院 中级人民法院 高级人民法院 最高人民法院
检察院 公安局 公证 公证处 合同 合同纠纷 劳动合同 劳动争议 劳动仲裁 劳动法 劳动合同法 工伤 社保 社会保险 解雇
辞退 经济补偿 工资 加班费 用工 用人单位 劳动者 婚姻 婚姻家庭 离婚 抚养权 抚养费 财产分割 继承 遗嘱 遗产
房产 房地产 物业 租赁 建设工程 工程款 债权 债务 债务纠纷 借贷 民间借贷 担保 抵押 破产 清算 重整 公司法
公司治理 股权 股东 股权转让 并购 兼并 收购 投资 融资 私募 基金 证券 上市 资本市场 银行 金融 保险 税务 税法
海关 关税 进出口 国际贸易 外商投资 外资 跨境 反垄断 反不正当竞争 竞争法 知识产权 专利 商标 著作权 版权
商业秘密 侵权 网络安全 网络安全法 数据 数据安全 数据安全法 数据保护 数据合规 合规 个人信息 个人信息保护
个人信息保护法 隐私 隐私保护 跨境数据 数据出境 刑事 刑事辩护 刑法 辩护 取保候审 行政 行政诉讼 行政复议
国家赔偿 交通事故 医疗纠纷 医疗事故 人身损害 损害赔偿 赔偿 消费者权益 产品责任 环境 环保 能源 海事 海商
海商法 航运 物流 移民 签证 出入境 涉外 国际仲裁 商事 民事 民商事 商事仲裁 争议解决 纠纷 咨询 法律咨询
免费咨询 收费 律师费 风险代理 按小时 固定收费 委托 代理 代理人 当事人 客户 评分 评价 业务领域 指南
国家互联网信息办公室 网信办 市场监督管理局 营业执照 法定代表人 尽职调查 反洗钱 电子商务 互联网 人工智能
信托 家族信托 财富管理 经济犯罪 职务犯罪 诈骗 走私 民法典 外籍 涉外婚姻 中文 英文 英语 俄语 日语 韩语
德语 法语 西班牙语 普通话 粤语 团队 专注 服务
"""
PLACES = """
中国 中华人民共和国 东北 华北 华东 华南 华中 西南 西北 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏
浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏
新疆 香港 澳门 哈尔滨 长春 沈阳 大连 石家庄 太原 呼和浩特 济南 青岛 烟台 南京 苏州 无锡 常州 南通 杭州 宁波
温州 绍兴 嘉兴 合肥 福州 厦门 泉州 南昌 郑州 洛阳 武汉 长沙 广州 深圳 珠海 东莞 佛山 中山 汕头 海口 三亚
南宁 桂林 成都 贵阳 昆明 拉萨 西安 兰州 西宁 银川 乌鲁木齐 大庆 齐齐哈尔 牡丹江 佳木斯 绥芬河 黑河 丹东
鞍山 唐山 保定 廊坊 秦皇岛 徐州 扬州 镇江 盐城 连云港 金华 义乌 台州 湖州 舟山 芜湖 漳州 赣州 开封 宜昌
襄阳 株洲 岳阳 惠州 江门 湛江 柳州 绵阳 遵义 大理 丽江 延安 宝鸡 喀什 满洲里 浦东 浦东新区 朝阳区 海淀区
东城区 西城区 南岗区 道里区 道外区 香坊区 松北区 天河区 福田区 南山区 前海 滨海新区 雄安 松花江 长江 黄河
珠江 中关村 陆家嘴 外滩 中央大街
"""
CITIES_WITH_SUFFIX = "哈尔滨 长春 沈阳 大连 北京 上海 天津 重庆 广州 深圳 杭州 南京 成都 武汉 西安 青岛 厦门 苏州"


def main():
    full = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as source:
        for line in source:
            word, frequency, *tag = line.split()
            full[word] = (int(frequency), tag[0] if tag else "")
    ranked = sorted(full.items(), key=lambda item: (-item[1][0], item[0]))
    chosen = dict(ranked[:MOST_FREQUENT])
    extra = LEGAL.split() + PLACES.split() + [f"{city}市" for city in CITIES_WITH_SUFFIX.split()]
    for word in extra:
        chosen.setdefault(word, full.get(word, (DEFAULT_FREQUENCY, "n")))
    lines = [f"{word} {frequency} {tag}".rstrip() for word, (frequency, tag) in sorted(chosen.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(lines)} words")


if __name__ == "__main__":
    main()
