"""Words and templates for demo public-opinion reports (社情民意信息): one concrete local matter each —
a topic, a spot in the organisation's own area, what is wrong there and what to do — in the register
an information office prints, plus the short texts of each workflow step (edit notes, reasons,
instructions, departments' feedback).

Every function takes the caller's `random.Random`, so the demo and the benchmark stay reproducible.
"""

from dataclasses import dataclass
from random import Random

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Topic:
    name: str
    category: str  # one of services.DEFAULT_CATEGORIES
    departments: tuple[str, ...]  # short names of handling units (core.demo_data.HANDLING_UNITS)
    spots: tuple[str, ...]  # where it happens: templates over SPOT_WORDS and {p} (the place)
    subjects: tuple[str, ...]  # the matter, as a title names it
    voices: tuple[str, ...]  # who brought it up
    facts: tuple[str, ...]  # what was found, with figures {a} {b} {c} {pct}
    problems: tuple[str, ...]
    suggestions: tuple[str, ...]
    measures: tuple[str, ...]  # what a department reports back having done


STREETS = "新华 人民 建设 解放 滨江 长江 和平 文化 中山 东风 胜利 光明 青年 朝阳 城南 城北 望江 金沙".split()
COMMUNITIES = "幸福里 锦绣 翠湖 阳光 和谐 桂花园 红星 康乐 金桥 春晖 汇景 梧桐 龙湾 百合 紫荆 书香".split()
TOWNS = "青石 白沙 柳河 桃源 龙泉 石门 安乐 清溪 马鞍 黄桷 双凤 太和 永丰 河坝".split()
VILLAGES = "新民 大坪 三合 双河 团结 高峰 永兴 金竹 红岩 太平 五星 龙井 杨柳 松林".split()
SCHOOLS = "第一中学 实验小学 第二小学 城南中学 外国语学校 育才小学 第三中学".split()
MARKETS = "城东 城西 南门 北街 新桥 河街".split()


GENERAL = "社会建设"
TOPICS: tuple[Topic, ...] = (
    Topic(
        name="加装电梯",
        category=GENERAL,
        departments=("住房和城乡建设局", "规划和自然资源局", "市场监督管理局"),
        spots=("{p}{street}街道{community}社区", "{p}{community}小区", "{p}{street}街道"),
        subjects=(
            "老旧小区加装电梯推进难",
            "加装电梯低层住户意见协调难",
            "加装电梯后期维保费用无人承担",
            "加装电梯审批环节多周期长",
        ),
        voices=("有居民反映", "部分老年住户反映", "社区工作人员反映"),
        facts=(
            "该区域共有无电梯多层住宅{a}栋，60岁以上居民占比约{pct}%，目前仅{b}栋完成加装",
            "辖区今年申报加装电梯{b}部，因意见不一致搁置的有{b}部，平均办理周期超过{b}个月",
            "一部电梯加装费用约{b}0万元，政府补贴后居民仍需分摊{c}元至{e}元不等",
        ),
        problems=(
            "低层住户担心采光、噪音和房屋贬值，协商往往陷入僵局",
            "审批涉及规划、住建、市场监管等多个部门，材料反复提交",
            "管线迁改费用高、协调难，供水供气单位配合不够",
            "电梯建成后维保责任和费用分摊没有明确规则",
            "部分楼栋业主委员会缺位，无人牵头组织",
        ),
        suggestions=(
            "由街道、社区牵头建立加装电梯议事协调机制，引导业主依法依规协商",
            "推行“一窗受理、并联审批”，压缩审批时限",
            "明确管线迁改费用标准，督促专营单位限时配合",
            "出台加装电梯后期运维管理指引，探索“以租代购”等模式",
            "对低层住户给予适当补偿，畅通矛盾调处渠道",
        ),
        measures=(
            "已将加装电梯审批纳入“一件事一次办”，审批时限压缩至{b}个工作日",
            "会同供水、燃气等单位出台管线迁改收费指导标准，已协调完成{b}个楼栋管线迁改",
            "在{b}个社区试点“电梯管家”模式，明确维保责任主体",
        ),
    ),
    Topic(
        name="饮水安全",
        category=GENERAL,
        departments=("水利局", "卫生健康委员会", "生态环境局"),
        spots=("{p}{town}镇{village}村", "{p}{town}镇", "{p}{town}镇{village}村{n}组"),
        subjects=(
            "农村饮水水质不稳定",
            "农村集中供水工程管护不到位",
            "山区群众季节性缺水",
            "农村供水管网老化漏损严重",
        ),
        voices=("有村民反映", "不少群众反映", "驻村干部反映"),
        facts=(
            "该地集中供水工程建成已{b}年，覆盖群众约{c}人，管网漏损率估计在{pct}%左右",
            "今年以来因停水、水浑等问题拨打热线的有{a}次，旱季停水最长达{b}天",
            "全镇{b}处小型供水站中，有专人管护的仅{b}处",
        ),
        problems=(
            "水源地周边有养殖场，雨季水质浑浊",
            "供水站消毒设备老旧，部分长期停用",
            "管护人员多为兼职，缺乏专业培训",
            "水费收缴率低，维修资金难以保障",
            "旱季水源不足，高处农户经常断水",
        ),
        suggestions=(
            "对水源地开展专项排查，依法清理保护区内污染源",
            "更新消毒设备，落实水质定期检测和公示",
            "推行县级统管、专业化运维的管护模式",
            "建立合理水价和维修养护基金制度",
            "建设应急备用水源，配置抗旱送水设备",
        ),
        measures=(
            "已对{b}处水源地开展排查，关停保护区内养殖场{b}家",
            "投入资金{c}万元更新消毒设备，每月开展水质检测并公示",
            "组建县级供水运维队伍，实现{b}个乡镇统一管护",
        ),
    ),
    Topic(
        name="电动车充电",
        category=GENERAL,
        departments=("应急管理局", "消防救援支队", "住房和城乡建设局"),
        spots=("{p}{street}街道{community}社区", "{p}{community}小区", "{p}城中村"),
        subjects=(
            "电动自行车“飞线”充电隐患突出",
            "小区电动自行车充电设施不足",
            "电动自行车进楼入户屡禁不止",
            "电动自行车违规改装电池风险大",
        ),
        voices=("有居民反映", "物业服务企业反映", "社区网格员反映"),
        facts=(
            "该小区居民约{c}户，电动自行车保有量超过{a}辆，集中充电桩仅{b}个",
            "今年以来辖区发生电动自行车火灾{b}起，多数发生在夜间充电时段",
            "网格员巡查发现楼道停放、“飞线”充电{a}处，整改后反弹率达{pct}%",
        ),
        problems=(
            "充电桩数量少、收费偏高，居民宁愿拉线充电",
            "老旧小区没有合适场地建设集中充电棚",
            "物业管理力量不足，劝阻缺乏执法手段",
            "部分商户销售不合格电池和充电器",
            "群众安全意识淡薄，对火灾危害认识不足",
        ),
        suggestions=(
            "将充电设施建设纳入老旧小区改造内容，统一规划建设",
            "对充电服务给予电价优惠，降低群众使用成本",
            "明确物业、社区和消防部门的劝导执法责任",
            "开展电池、充电器市场专项整治",
            "通过典型案例开展警示教育，提高群众防范意识",
        ),
        measures=(
            "新建集中充电桩{a}个，覆盖老旧小区{b}个",
            "开展电动自行车安全隐患专项整治，清理“飞线”充电{a}处",
            "联合市场监管部门查处不合格电池和充电器{b}批次",
        ),
    ),
    Topic(
        name="校园周边",
        category=GENERAL,
        departments=("公安局", "交通运输局", "教育局"),
        spots=("{p}{school}周边", "{p}{road}", "{p}{school}门口"),
        subjects=(
            "学校周边上下学时段交通拥堵",
            "学生接送车辆乱停乱放",
            "校园周边无证摊贩食品安全隐患",
            "校门口缺少安全缓冲区",
        ),
        voices=("有家长反映", "学校老师反映", "周边居民反映"),
        facts=(
            "该校在校学生约{c}人，上下学高峰时段周边道路通行车辆超过{a}辆",
            "早晚高峰拥堵持续约{b}分钟，家长车辆占道停放现象普遍",
            "校门口{b}0米范围内有流动摊点{b}处，多数无证经营",
        ),
        problems=(
            "校门口道路狭窄，没有临时停车区域",
            "交通疏导主要依靠学校保安和志愿者，力量不足",
            "学生过街没有信号灯和人行横道",
            "流动摊贩售卖“三无”食品，监管存在空档",
            "放学时间集中，各年级错峰不充分",
        ),
        suggestions=(
            "在学校周边施划限时停车泊位，设置接送专用通道",
            "高峰时段增派交警和辅警，开展“护学岗”行动",
            "增设人行横道、信号灯和减速设施",
            "加强校园周边食品安全联合执法",
            "推行分年级错峰放学，鼓励步行和校车接送",
        ),
        measures=(
            "已在学校周边施划限时停车泊位{a}个，增设信号灯{b}处",
            "高峰时段安排警力{b}人开展“护学岗”，周边拥堵时长明显缩短",
            "联合开展校园周边食品安全专项检查，取缔无证摊点{b}处",
        ),
    ),
    Topic(
        name="社区养老",
        category=GENERAL,
        departments=("民政局", "卫生健康委员会", "财政局"),
        spots=("{p}{street}街道{community}社区", "{p}{town}镇", "{p}{street}街道"),
        subjects=(
            "社区老年食堂运营难以为继",
            "居家养老服务供给不足",
            "农村留守老人照护缺位",
            "养老机构护理人员短缺",
        ),
        voices=("有老年居民反映", "社区工作人员反映", "养老服务企业反映"),
        facts=(
            "该地60岁以上老年人约{c}人，占常住人口{d}%，其中独居和空巢老人约{a}人",
            "社区老年食堂每天就餐约{a}人次，每餐亏损约{b}元，运营主要依靠补贴",
            "辖区养老机构护理员约{a}人，平均年龄超过50岁，持证率不足{pct}%",
        ),
        problems=(
            "运营补贴标准低、拨付慢，老年食堂难以持续",
            "服务项目单一，助医、助浴等需求难以满足",
            "留守老人缺少日常探访和应急救助",
            "护理人员待遇低、流失快，专业人才引不进",
            "养老服务设施布局不均，部分社区空白",
        ),
        suggestions=(
            "建立与服务人次挂钩的老年食堂运营补贴机制",
            "引入专业机构连锁运营，拓展助医、助浴等服务",
            "建立留守老人定期探访和紧急呼叫制度",
            "提高护理员薪酬待遇，开展免费技能培训",
            "利用闲置用房补齐社区养老服务设施",
        ),
        measures=(
            "出台老年食堂运营补贴办法，按就餐人次给予每餐{b}元补贴",
            "新建社区养老服务站{b}个，引入专业机构运营",
            "为{a}名独居老人安装紧急呼叫设备，落实每周探访",
        ),
    ),
    Topic(
        name="基层医疗",
        category=GENERAL,
        departments=("卫生健康委员会", "医疗保障局", "人力资源和社会保障局"),
        spots=("{p}{town}镇", "{p}{town}镇卫生院", "{p}{street}街道社区卫生服务中心"),
        subjects=(
            "乡镇卫生院医生留不住",
            "基层医疗机构常用药品短缺",
            "村卫生室服务能力弱化",
            "异地就医备案手续繁琐",
        ),
        voices=("有群众反映", "基层医务人员反映", "有患者家属反映"),
        facts=(
            "该卫生院服务人口约{c}人，在岗执业医师仅{b}人，近三年流失{b}人",
            "群众反映的{b}种常用慢性病药品，卫生院长期缺货",
            "辖区{a}个村卫生室中，乡村医生60岁以上的占{pct}%",
        ),
        problems=(
            "基层待遇偏低、晋升通道窄，年轻医生不愿留",
            "基层药品目录与上级医院不衔接，患者被迫跑大医院",
            "乡村医生老龄化，后继乏人",
            "检查设备陈旧，群众对基层诊疗信任度不高",
            "异地就医备案流程不清，老年人办理困难",
        ),
        suggestions=(
            "落实基层医务人员薪酬和职称倾斜政策",
            "推动县域医共体内药品目录统一、配送统一",
            "实施订单定向培养，充实乡村医生队伍",
            "推进上级医院专家定期下沉坐诊",
            "简化异地就医备案，开通线上线下多渠道办理",
        ),
        measures=(
            "已统一县域医共体用药目录，基层可配备药品增至{a}种",
            "招聘定向医学生{b}名，安排上级医院专家每周下沉坐诊",
            "开通异地就医备案线上办理，办理时间缩短至{b}个工作日",
        ),
    ),
    Topic(
        name="河道治理",
        category="生态文明建设",
        departments=("生态环境局", "水利局", "城市管理局"),
        spots=("{p}{town}镇{village}村段", "{p}{street}街道", "{p}城区"),
        subjects=(
            "河道垃圾堆积水体发黑发臭",
            "小流域生活污水直排",
            "河道采砂后生态修复滞后",
            "农村黑臭水体反弹",
        ),
        voices=("沿河居民反映", "有村民反映", "环保志愿者反映"),
        facts=(
            "该段河道长约{b}公里，沿线有居民约{c}户，生活污水收集率不足{pct}%",
            "近期巡查发现河道内垃圾堆积点{b}处，部分水体发黑发臭",
            "去年整治的{b}处黑臭水体中，已有{b}处出现反弹",
        ),
        problems=(
            "截污管网建设滞后，雨污混流严重",
            "河长制巡河流于形式，问题发现处置不及时",
            "沿河餐饮、养殖户偷排现象时有发生",
            "治理重工程、轻管护，缺乏长效资金",
            "群众参与护河积极性不高",
        ),
        suggestions=(
            "加快截污管网建设，推进雨污分流改造",
            "压实河长责任，建立问题清单和销号制度",
            "加大对偷排漏排行为的执法力度",
            "建立河道管护长效资金保障机制",
            "组建民间河长和志愿者队伍，鼓励群众监督",
        ),
        measures=(
            "已完成沿河截污管网{b}公里，生活污水收集率提高到{pct}%",
            "开展河道清淤保洁，清理垃圾{a}吨",
            "查处偷排漏排企业和个体户{b}家",
        ),
    ),
    Topic(
        name="农贸市场",
        category="经济建设",
        departments=("市场监督管理局", "商务局", "城市管理局"),
        spots=("{p}{market}农贸市场", "{p}{town}镇集市", "{p}{market}菜市场"),
        subjects=(
            "农贸市场环境脏乱差",
            "农贸市场缺斤少两问题突出",
            "农贸市场占道经营影响通行",
            "农产品快检不落实",
        ),
        voices=("有市民反映", "市场经营户反映", "周边居民反映"),
        facts=(
            "该市场建成已{b}年，共有摊位约{a}个，日均客流{c}人次",
            "市民投诉中涉及缺斤少两的有{b}起，公平秤长期无人管理",
            "市场快检室每周检测不足{b}批次，检测结果未公示",
        ),
        problems=(
            "市场设施老化，排水不畅，地面污水横流",
            "部分商户使用不合格计量器具",
            "摊位不足，商户占道经营",
            "快检流于形式，食品安全存在隐患",
            "市场开办方管理责任落实不到位",
        ),
        suggestions=(
            "将老旧农贸市场纳入提档升级计划",
            "开展计量器具专项检查，设置公平秤",
            "合理规划临时摊区，疏堵结合治理占道经营",
            "落实农产品快检和结果公示制度",
            "建立市场开办方信用评价和考核机制",
        ),
        measures=(
            "已将该市场纳入提档升级计划，完成排水和地面改造",
            "检查计量器具{a}台，查处作弊计量器具{b}台",
            "市场快检室恢复每日检测并公示结果",
        ),
    ),
    Topic(
        name="企业融资",
        category="经济建设",
        departments=("发展和改革委员会", "经济和信息化局", "财政局"),
        spots=("{p}", "{p}工业园区", "{p}{town}镇"),
        subjects=(
            "小微企业融资难融资贵",
            "中小企业账款拖欠问题",
            "惠企政策“最后一公里”落地难",
            "园区企业用工招工难",
        ),
        voices=("有企业负责人反映", "工商联会员企业反映", "园区企业反映"),
        facts=(
            "对辖区{a}家小微企业的调查显示，{pct}%的企业存在资金周转困难",
            "部分企业被拖欠账款超过{b}个月，涉及金额约{c}万元",
            "今年出台的{b}项惠企政策中，企业知晓率不足{pct}%",
        ),
        problems=(
            "银行抵押要求高，轻资产企业难以获得贷款",
            "政府性融资担保覆盖面窄、门槛高",
            "部分项目验收结算周期长，企业资金被占用",
            "政策兑现环节多，申报材料繁杂",
            "一线技术工人缺口大，招工成本上升",
        ),
        suggestions=(
            "扩大政府性融资担保覆盖面，推广信用贷款",
            "建立拖欠账款清理台账，限期清偿",
            "推行惠企政策“免申即享”，减少企业跑腿",
            "搭建银企对接平台，定期开展融资对接",
            "加强校企合作，开展订单式技能培训",
        ),
        measures=(
            "设立小微企业应急转贷资金{c}万元，已为{a}家企业提供转贷服务",
            "建立拖欠账款清理台账，已清偿{c}万元",
            "上线惠企政策“免申即享”平台，兑现资金{c}万元",
        ),
    ),
    Topic(
        name="灵活就业",
        category=GENERAL,
        departments=("人力资源和社会保障局", "医疗保障局", "税务局"),
        spots=("{p}", "{p}{street}街道", "{p}城区"),
        subjects=(
            "外卖骑手等新就业形态劳动者权益保障",
            "灵活就业人员参保意愿不强",
            "零工市场供需对接不畅",
            "就业困难人员帮扶不精准",
        ),
        voices=("有快递外卖从业人员反映", "有群众反映", "社区工作人员反映"),
        facts=(
            "辖区外卖、快递、网约车等新就业形态从业人员约{c}人",
            "对{a}名灵活就业人员的调查显示，参加职工养老保险的不足{pct}%",
            "街道零工驿站每天求职人员约{a}人，实际对接成功的仅{b}成",
        ),
        problems=(
            "平台用工关系认定难，工伤保障缺失",
            "缴费基数和比例偏高，收入不稳定人员难以承担",
            "零工信息分散，供需双方找不到对方",
            "就业困难人员底数不清，帮扶措施针对性不强",
            "职业技能培训与岗位需求脱节",
        ),
        suggestions=(
            "推进新就业形态人员职业伤害保障试点",
            "完善灵活就业人员参保缴费档次，给予适当补贴",
            "建设线上线下结合的零工市场",
            "建立就业困难人员动态台账，实行“一人一策”",
            "开展订单式、项目制技能培训",
        ),
        measures=(
            "已为{c}名新就业形态劳动者办理职业伤害保障",
            "建成零工驿站{b}个，线上发布零工岗位{c}个",
            "建立就业困难人员台账，帮扶{a}人实现就业",
        ),
    ),
    Topic(
        name="电信诈骗",
        category="政治建设",
        departments=("公安局", "司法局", "民政局"),
        spots=("{p}", "{p}{street}街道", "{p}{town}镇"),
        subjects=(
            "针对老年人的养生保健诈骗",
            "电信网络诈骗向农村蔓延",
            "“以房养老”骗局侵害老年人财产",
            "网络刷单诈骗侵害学生群体",
        ),
        voices=("有群众反映", "社区民警反映", "有受害人家属反映"),
        facts=(
            "今年以来辖区发生电信网络诈骗案件{a}起，涉案金额{c}万元",
            "受骗群众中60岁以上老年人占{pct}%，多数通过会销、讲座被骗",
            "辖区学生被骗案件{b}起，多涉及网络刷单和游戏装备交易",
        ),
        problems=(
            "诈骗手法翻新快，群众识别能力不足",
            "农村地区反诈宣传覆盖不到位",
            "部分会销场所监管缺位，打击难度大",
            "资金追缴难，受害人损失难以挽回",
            "家庭、学校对学生网络安全教育不足",
        ),
        suggestions=(
            "开展反诈宣传进社区、进农村、进校园活动",
            "加强对保健品会销场所的联合执法",
            "建立涉诈资金快速止付机制",
            "发动子女和网格员加强对老年人的提醒",
            "将网络安全教育纳入中小学课程",
        ),
        measures=(
            "开展反诈宣传{a}场次，覆盖群众{c}人次",
            "联合查处违规会销场所{b}处",
            "建立涉诈资金快速止付机制，为群众止付挽损{c}万元",
        ),
    ),
    Topic(
        name="历史街区",
        category="文化建设",
        departments=("文化和旅游局", "规划和自然资源局", "住房和城乡建设局"),
        spots=("{p}{street}老街", "{p}{town}古镇", "{p}老城区"),
        subjects=(
            "历史文化街区保护与利用失衡",
            "传统村落古建筑损毁严重",
            "非遗传承人断档",
            "老街商业同质化",
        ),
        voices=("有文史专家反映", "有群众反映", "文化界委员调研发现"),
        facts=(
            "该街区现存传统建筑约{a}处，其中列入保护名录的{b}处",
            "近年来有{b}处古建筑因年久失修倒塌，部分被改建",
            "{p}现有非遗代表性传承人{b}人，平均年龄超过60岁",
        ),
        problems=(
            "保护规划编制滞后，部分改造破坏历史风貌",
            "古建筑产权复杂，维修资金没有着落",
            "非遗项目缺少展示和传习场所",
            "商业业态单一，文化内涵挖掘不够",
            "专业修缮队伍和工匠缺乏",
        ),
        suggestions=(
            "加快编制保护规划，严格风貌管控",
            "设立古建筑保护专项资金，鼓励社会资本参与",
            "建设非遗传习所，支持传承人带徒授艺",
            "引导特色文化业态入驻，避免千街一面",
            "培养本地传统工匠队伍",
        ),
        measures=(
            "已启动历史文化街区保护规划编制",
            "安排古建筑修缮资金{c}万元，完成{b}处抢救性修缮",
            "建成非遗传习所{b}个，开展传习活动{a}场次",
        ),
    ),
    Topic(
        name="物业纠纷",
        category=GENERAL,
        departments=("住房和城乡建设局", "司法局", "市场监督管理局"),
        spots=("{p}{community}小区", "{p}{street}街道{community}社区", "{p}{street}街道"),
        subjects=(
            "物业服务质价不符引发纠纷",
            "小区公共收益去向不明",
            "业主委员会成立难",
            "住宅专项维修资金使用难",
        ),
        voices=("有业主反映", "社区工作人员反映", "有居民反映"),
        facts=(
            "辖区有物业管理小区{a}个，成立业主委员会的仅{b}个",
            "今年以来涉及物业服务的投诉{a}件，占民生类投诉的{pct}%",
            "小区电梯广告、停车等公共收益每年约{c}元，从未向业主公示",
        ),
        problems=(
            "物业服务标准不明确，收费与服务不匹配",
            "公共收益账目不公开，业主知情权难保障",
            "业主委员会组建程序复杂，业主参与度低",
            "维修资金申请流程长、表决难",
            "街道社区对物业企业缺乏有效监管手段",
        ),
        suggestions=(
            "制定物业服务等级标准，实行质价相符",
            "强制推行公共收益定期公示",
            "简化业主委员会组建程序，由街道社区指导",
            "简化维修资金应急使用程序",
            "建立物业企业信用评价和退出机制",
        ),
        measures=(
            "出台物业服务等级标准和收费指导价",
            "督促{a}个小区公示公共收益，指导成立业主委员会{b}个",
            "建立维修资金应急使用“绿色通道”",
        ),
    ),
    Topic(
        name="撂荒耕地",
        category="经济建设",
        departments=("农业农村局", "乡村振兴局", "规划和自然资源局"),
        spots=("{p}{town}镇", "{p}{town}镇{village}村", "{p}山区乡镇"),
        subjects=(
            "丘陵山区耕地撂荒",
            "高标准农田建后管护缺位",
            "农业社会化服务跟不上",
            "农村土地流转不规范",
        ),
        voices=("有村民反映", "种粮大户反映", "驻村干部反映"),
        facts=(
            "该镇耕地约{c}亩，撂荒面积约{a}亩，多为坡耕地和边远地块",
            "已建成的高标准农田中，约{pct}%的沟渠、机耕道出现损毁",
            "全镇农业社会化服务组织仅{b}家，服务面积不足耕地的三成",
        ),
        problems=(
            "农村劳动力外出，留守人员种不动",
            "种粮收益低，农户积极性不高",
            "田块细碎，农机下不了田",
            "建后管护主体和资金不明确",
            "流转合同不规范，纠纷时有发生",
        ),
        suggestions=(
            "推广托管、代耕等社会化服务",
            "实施宜机化改造，提高机械化水平",
            "落实高标准农田建后管护责任和资金",
            "规范土地流转合同，建立流转服务平台",
            "对复耕复种给予适当奖补",
        ),
        measures=(
            "已复耕撂荒地{a}亩，扶持社会化服务组织{b}家",
            "完成宜机化改造{c}亩",
            "建立高标准农田管护制度，落实管护资金{c}万元",
        ),
    ),
    Topic(
        name="基层减负",
        category="政治建设",
        departments=("机关事务管理局", "大数据发展局", "民政局"),
        spots=("{p}", "{p}{street}街道", "{p}{town}镇"),
        subjects=(
            "村（社区）挂牌多、台账多",
            "政务APP和工作群过多加重基层负担",
            "基层干部考核过频过细",
            "社区工作者待遇偏低",
        ),
        voices=("基层干部反映", "社区工作者反映", "有村干部反映"),
        facts=(
            "调研的{b}个社区平均挂牌{d}块，需填报各类台账{a}种",
            "一名社区干部手机上安装政务APP{d}个，加入工作群{d}个",
            "社区工作者月均收入约{c}元，低于当地城镇职工平均工资",
        ),
        problems=(
            "上级部门把工作任务层层下压到村（社区）",
            "同一数据多头填报，重复录入",
            "考核“留痕”要求多，干部疲于应付",
            "社区工作者薪酬低，人员流动大",
            "服务群众的时间被挤占",
        ),
        suggestions=(
            "清理规范村（社区）挂牌和工作事项",
            "整合政务APP和工作群，推动数据共享",
            "精简考核事项，减少留痕要求",
            "建立社区工作者薪酬正常增长机制",
            "严格落实工作事项准入制度",
        ),
        measures=(
            "清理村（社区）挂牌{a}块，精简工作事项{b}项",
            "整合政务APP{b}个，实现数据“一次采集、多方共用”",
            "提高社区工作者薪酬标准，月均增加约{a}元",
        ),
    ),
    Topic(
        name="青少年心理",
        category="文化建设",
        departments=("教育局", "卫生健康委员会", "民政局"),
        spots=("{p}", "{p}{school}", "{p}城区学校"),
        subjects=(
            "中小学生心理健康问题增多",
            "未成年人沉迷网络游戏",
            "学校心理健康教师配备不足",
            "留守儿童关爱缺位",
        ),
        voices=("有家长反映", "教育界委员调研发现", "学校教师反映"),
        facts=(
            "对{c}名中小学生的调查显示，存在焦虑、抑郁倾向的约占{b}%",
            "辖区{a}所中小学中，配备专职心理教师的仅{b}所",
            "留守儿童约{c}人，其中长期无人监护的{a}人",
        ),
        problems=(
            "学业压力大，学生缺少倾诉渠道",
            "网络游戏防沉迷措施落实不到位",
            "心理教师多为兼职，专业能力不足",
            "家庭教育缺位，家长方法不当",
            "医教协同机制不健全，问题发现晚",
        ),
        suggestions=(
            "按标准配齐专职心理健康教师",
            "压实网络游戏企业防沉迷责任",
            "建立学生心理健康筛查和干预机制",
            "办好家长学校，提升家庭教育水平",
            "建立医院与学校协同的转介通道",
        ),
        measures=(
            "新增专职心理健康教师{b}名，建成心理辅导室{b}个",
            "开展学生心理健康筛查，覆盖学生{c}人",
            "与{b}家医院建立心理危机干预转介机制",
        ),
    ),
)

EDIT_NOTES = (
    "压缩篇幅，提炼标题。",
    "核实数据，规范表述。",
    "调整结构，突出建议。",
    "删除与主题无关内容。",
    "补充基本情况，精简问题部分。",
)
NOT_ADOPTED_REASONS = (
    "所反映问题相关部门已在推进解决，暂不采用。",
    "内容与近期已编发信息重复。",
    "反映情况不够具体，缺少事实和数据支撑。",
    "属个人诉求，建议通过12345热线反映。",
    "建议的针对性和可操作性不强。",
    "时效性不强，暂不采用。",
)
WITHDRAW_REASONS = (
    "需补充调研数据后再报送。",
    "问题已由相关部门解决。",
    "与其他委员报送的信息重复。",
    "",
)
SIGN_NOTES = ("同意印发。", "同意。", "", "同意，请抓紧印发。")
LEADER_TITLES = {
    "county": ("{p}委书记", "{p}长", "{p}委副书记", "常务副{p}长", "副{p}长"),
    "city": ("{p}委书记", "{p}长", "{p}委副书记", "常务副{p}长", "副{p}长"),
    "province": ("省委书记", "省长", "省委副书记", "常务副省长", "副省长"),
    "national": ("中央领导同志",),
}
INSTRUCTIONS = {
    "county": (
        "请{dept}牵头研究，尽快拿出解决方案。",
        "此件反映的问题很实在，请{dept}抓紧办理。",
        "请{dept}会同相关部门核实情况，妥善处理。",
    ),
    "city": (
        "此件反映的问题具有普遍性，请{dept}认真研究，提出改进措施。",
        "请{dept}会同有关部门研究办理，并将结果报市政府。",
        "所提建议很有价值，请{dept}研究吸纳。",
    ),
    "province": (
        "请省有关部门关注，指导做好相关工作。",
        "此件所提问题值得重视，请省有关部门研究。",
    ),
    "national": ("请有关部门研究。", "所反映问题值得重视，请有关部门研究参考。"),
}


def _spot(rng: Random, topic: Topic, place: str) -> str:
    street = rng.choice(STREETS)
    return rng.choice(topic.spots).format(
        p=place,
        street=street,
        community=rng.choice(COMMUNITIES),
        town=rng.choice(TOWNS),
        village=rng.choice(VILLAGES),
        school=rng.choice(SCHOOLS),
        market=rng.choice(MARKETS),
        road=f"{street}路",
        n=rng.randint(1, 9),
    )


def _fill(rng: Random, text: str, place: str) -> str:
    return text.format(
        p=place,
        a=rng.randint(12, 480),
        b=rng.randint(2, 9),
        c=rng.randint(600, 9000),
        d=rng.randint(12, 28),
        e=rng.randint(12000, 60000),
        pct=rng.randint(18, 85),
    )


def _numbered(items: list[str]) -> str:
    return "".join(f"{NUMERALS[i]}是{item}；" for i, item in enumerate(items)).rstrip("；") + "。"


def title(rng: Random, topic: Topic, subject: str, spot: str) -> str:
    pattern = rng.choice(
        [
            "关于{spot}{s}的情况反映",
            "{spot}{s}问题亟待解决",
            "{spot}{s}，群众呼吁尽快解决",
            "关于解决{spot}{s}问题的建议",
            "{s}问题值得关注",
            "建议重视{spot}{s}问题",
        ]
    )
    return pattern.format(spot=spot, s=subject)[:60]


def body(rng: Random, topic: Topic, subject: str, spot: str, place: str) -> str:
    """情况、问题、建议 in three paragraphs, about 300 to 700 characters."""
    facts = rng.sample(topic.facts, k=2)
    problems = rng.sample(topic.problems, k=rng.choice([2, 3, 3]))
    suggestions = rng.sample(topic.suggestions, k=rng.choice([2, 3, 3, 4]))
    return "\n".join(
        [
            f"近期，{rng.choice(topic.voices)}，{spot}{subject}，群众意见较大。"
            f"据了解，{_fill(rng, facts[0], place)}；{_fill(rng, facts[1], place)}。",
            "主要存在以下问题：" + _numbered(problems),
            "为此建议：" + _numbered(suggestions),
        ]
    )


def edited(rng: Random, subject: str, spot: str, original: str, who: str = "委员") -> tuple[str, str]:
    """The editor's version: a standard title and lead sentence naming who reported it (委员, 信息员,
    a unit …), the last suggestion dropped when there are four."""
    short = spot if len(spot) <= 12 else spot[:8]
    headings = ["{spot}{s}问题亟需重视", "关于{s}的建议", "{spot}{s}问题应引起重视"]
    if who == "委员":
        headings.append("委员反映：{s}问题需引起重视")
    paragraphs = original.split("\n")
    lead = paragraphs[0].split("。", 1)
    opening = f"有{who}反映" if who in ("委员", "信息员") else f"{who}反映"
    paragraphs[0] = f"{opening}，{short}{subject}。" + (lead[1] if len(lead) > 1 else "")
    last = paragraphs[-1]
    if last.count("；") >= 3:
        paragraphs[-1] = last[: last.rfind("；")] + "。"
    return rng.choice(headings).format(spot=short, s=subject)[:60], "\n".join(paragraphs)


def merged(first: str, others: list[tuple[str, str]]) -> str:
    """A merged item's text: the first report's, then what each other source adds."""
    parts = [first]
    for name, text in others:
        problems = next((p for p in text.split("\n") if p.startswith("主要存在")), "")
        if problems:
            parts.append(f"另据{name}反映：{problems.removeprefix('主要存在以下问题：')}")
    return "\n".join(parts)


def forwarding_recipients(place: str) -> tuple[str, ...]:
    return (f"{place}委办公室", f"{place}人民政府办公室", f"{place}委政策研究室")


def leader_title(rng: Random, level: str, place: str) -> str:
    return rng.choice(LEADER_TITLES[level]).format(p=place[-1])


def instruction(rng: Random, level: str, department: str) -> str:
    return rng.choice(INSTRUCTIONS[level]).format(dept=department)


def feedback(rng: Random, topic: Topic, place: str) -> str:
    done = rng.sample(topic.measures, k=2)
    return (
        "收到批示后，我单位高度重视，专题研究部署。"
        + "；".join(_fill(rng, m, place) for m in done)
        + "。下一步将建立长效机制，持续抓好落实。"
    )
