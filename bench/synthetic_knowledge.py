"""Synthetic knowledge products for benchmarks: English, Japanese or both, over Renkei's real theme
taxonomy and real city names, with a Zipf-like vocabulary (no database, no model).

Each product has 1–3 themes and 1–2 cities; its title, summary and body are built from the
themes' names, synonyms and descriptions in the product's languages, the cities' names, and
filler words drawn from a Zipf-like distribution (rank r with probability ∝ 1 / (r + 8)^1.07), so that a
common word ("local", 「地域」) is in most products and a rare one in a handful. The filler list is
a few hundred real domain words followed by thousands of made-up words (Latin letters for
English, katakana and kanji compounds for Japanese), which gives the long tail of a real library
without copying anyone's text. Deterministic for a given seed.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "renkei" / "data"


def _words(text: str) -> list[str]:
    return text.split()


# (English, Japanese, country): the demo's cities and other cities in Renkei's partner countries.
CITIES = [
    ("Kamaishi", "釜石市", "JP"), ("Kitakyushu", "北九州市", "JP"), ("Kobe", "神戸市", "JP"),
    ("Toyama", "富山市", "JP"), ("Yokohama", "横浜市", "JP"), ("Koriyama", "郡山市", "JP"),
    ("Nagano", "長野市", "JP"), ("Obuse", "小布施町", "JP"), ("Kamakura", "鎌倉市", "JP"), ("Sendai", "仙台市", "JP"),
    ("Osaka", "大阪市", "JP"), ("Kyoto", "京都市", "JP"), ("Fukuoka", "福岡市", "JP"), ("Sapporo", "札幌市", "JP"),
    ("Hiroshima", "広島市", "JP"), ("Kumamoto", "熊本市", "JP"), ("Niigata", "新潟市", "JP"),
    ("Shizuoka", "静岡市", "JP"), ("Okayama", "岡山市", "JP"), ("Matsuyama", "松山市", "JP"),
    ("Kanazawa", "金沢市", "JP"), ("Naha", "那覇市", "JP"), ("Ishinomaki", "石巻市", "JP"),
    ("Kesennuma", "気仙沼市", "JP"), ("Minamata", "水俣市", "JP"), ("Iida", "飯田市", "JP"),
    ("Higashiomi", "東近江市", "JP"), ("Nagoya", "名古屋市", "JP"), ("Banda Aceh", "バンダアチェ市", "ID"),
    ("Surabaya", "スラバヤ市", "ID"), ("Semarang", "スマラン市", "ID"), ("Jakarta", "ジャカルタ", "ID"),
    ("Bandung", "バンドン市", "ID"), ("Makassar", "マカッサル市", "ID"), ("Yogyakarta", "ジョグジャカルタ市", "ID"),
    ("Denpasar", "デンパサール市", "ID"), ("Medan", "メダン市", "ID"), ("Cebu City", "セブ市", "PH"),
    ("Davao City", "ダバオ市", "PH"), ("Manila", "マニラ市", "PH"), ("Quezon City", "ケソン市", "PH"),
    ("Iloilo City", "イロイロ市", "PH"), ("Tacloban", "タクロバン市", "PH"), ("Da Nang", "ダナン市", "VN"),
    ("Hai Phong", "ハイフォン市", "VN"), ("Hanoi", "ハノイ市", "VN"), ("Ho Chi Minh City", "ホーチミン市", "VN"),
    ("Hue", "フエ市", "VN"), ("Can Tho", "カントー市", "VN"), ("Chiang Mai", "チェンマイ市", "TH"),
    ("Bangkok", "バンコク", "TH"), ("Khon Kaen", "コンケン市", "TH"), ("Phuket", "プーケット市", "TH"),
    ("Essen", "エッセン市", "DE"), ("Freiburg", "フライブルク市", "DE"), ("Hamburg", "ハンブルク市", "DE"),
    ("Leipzig", "ライプツィヒ市", "DE"), ("Turku", "トゥルク市", "FI"), ("Helsinki", "ヘルシンキ市", "FI"),
    ("Tampere", "タンペレ市", "FI"), ("Umeå", "ウメオ市", "SE"), ("Malmö", "マルメ市", "SE"),
    ("Gothenburg", "ヨーテボリ市", "SE"), ("Stockholm", "ストックホルム市", "SE"), ("Curitiba", "クリチバ市", "BR"),
    ("Porto Alegre", "ポルトアレグレ市", "BR"), ("Medellín", "メデジン市", "CO"), ("Pune", "プネ市", "IN"),
    ("Ahmedabad", "アーメダバード市", "IN"), ("Nairobi", "ナイロビ市", "KE"), ("Kigali", "キガリ市", "RW"),
    ("Ulaanbaatar", "ウランバートル市", "MN"), ("Yangon", "ヤンゴン市", "MM"), ("Phnom Penh", "プノンペン市", "KH"),
    ("Vientiane", "ビエンチャン市", "LA"), ("Colombo", "コロンボ市", "LK"), ("Dhaka", "ダッカ市", "BD"),
    ("Kathmandu", "カトマンズ市", "NP"), ("Barcelona", "バルセロナ市", "ES"), ("Bologna", "ボローニャ市", "IT"),
    ("Lyon", "リヨン市", "FR"), ("Rotterdam", "ロッテルダム市", "NL"),
]

KIND_WEIGHTS = {"knowledge_note": 0.22, "case_study": 0.24, "toolkit": 0.08, "guide": 0.12, "video": 0.05,
                "report": 0.14, "action_plan": 0.07, "lesson": 0.08}
KIND_EN = {"knowledge_note": "Knowledge note", "case_study": "Case study", "toolkit": "Toolkit",
           "guide": "Good-practice guide", "video": "Video", "report": "Report", "action_plan": "Action plan",
           "lesson": "Lessons learned"}
KIND_JA = {"knowledge_note": "ナレッジノート", "case_study": "事例研究", "toolkit": "ツールキット",
           "guide": "グッドプラクティス集", "video": "動画", "report": "報告書", "action_plan": "行動計画",
           "lesson": "教訓"}

COMMON_EN = _words("""
local city cities municipal government residents community programme project pilot support plan planning public
service services development management experience approach data results budget staff partners partnership
national regional urban area areas district neighbourhood years year first new lessons practice practices policy
policies network cooperation exchange training workshop study visit costs funding investment private sector
households people children older women youth schools hospital infrastructure system systems strategy capacity
officials council mayor department agency office target targets indicators monitoring evaluation impact
implementation design process phase stage scale model tools toolkit guidelines framework standards quality
safety risk risks resources demand supply users citizens volunteers businesses companies industry jobs economy
costs benefits growth population density land buildings streets roads river coast coastal rural centre center
downtown market markets network routes facilities maintenance operation operators survey surveys interviews
baseline pilots replication transfer sister international technical assistance expert experts knowledge learning
peer cities japan japanese indonesia philippines vietnam thailand europe asia global world bank jica tdlc
agreement memorandum budgeted financed loan grant subsidies tariff tariffs fees revenue revenues procurement
contract contracts consultants engineering construction works upgrade upgraded upgrading expansion renewal
retrofit retrofitting rehabilitation recovery response preparedness mitigation adaptation resilience sustainable
sustainability inclusive green smart digital innovation innovative integrated shared sharing open mapping maps
map hazard hazards flood floods flooding water waste energy transport mobility housing health care tourism
heritage culture education climate carbon emissions pollution air noise parks trees green spaces cycling walking
buses bus tram rail railway station stations parking vehicles traffic safety accidents ageing elderly disability
accessibility poverty informal settlements migrants integration participation engagement consultation
stakeholders ownership leadership governance finance financial fiscal taxes bonds credit""")

COMMON_JA = _words("""
地域 住民 行政 事業 計画 支援 取り組み 課題 推進 整備 連携 協力 市民 自治体 職員 体制 制度 予算 効果 成果 調査
分析 評価 改善 導入 実施 運営 管理 活用 促進 強化 検討 報告 研修 交流 視察 技術 知見 経験 人材 担い手 関係者
企業 民間 国際 海外 日本 国内 都市 地方 中心部 郊外 沿岸 農村 河川 道路 施設 設備 インフラ 公共 社会 経済 環境
生活 安全 安心 将来 持続可能 モデル 事例 手法 方針 目標 指標 モニタリング データ 情報 発信 共有 普及 啓発 教育
学習 参加 協働 合意形成 意見交換 ワークショップ 実証 実験 試行 拡大 展開 横展開 費用 財源 補助金 資金 投資 収入
料金 負担 維持管理 更新 老朽化 人口 世帯 高齢者 子ども 若者 女性 観光客 事業者 専門家 大学 研究機関 国 県 市 町
村""")

# Made-up words: syllables joined, so they look like words and match nothing real.
_EN_SYLLABLES = _words("""
ka ri to ne mo la vi sa du pe ro ti na be go fu le mi ko ra ve si da pu tor ban kel mar sin dor fal gen hur jat
lin mos nor pel quin rus sel tam vor wen yal zor""")
_KANA = _words("""
ア イ ウ エ オ カ キ ク ケ コ サ シ ス セ ソ タ チ ツ テ ト ナ ニ ヌ ネ ノ ハ ヒ フ ヘ ホ マ ミ ム メ モ ヤ ユ
ヨ ラ リ ル レ ロ ワ ン ガ ギ グ ゲ ゴ ザ ジ ズ ゼ ゾ ダ デ ド バ ビ ブ ベ ボ パ ピ プ ペ ポ""")
_KANJI = _words("""
水 火 土 木 金 山 川 海 空 風 雨 雪 石 森 林 田 畑 道 橋 港 駅 町 村 里 街 家 屋 門 庭 園 池 湖 谷 岸 島 浜 岡
坂 原 野 北 南 東 西 中 上 下 内 外 前 後 新 古 高 低 長 短 広 深 明 清 静 速 温 冷 強 弱 光 熱 電 力 気 油 鉄
銅 紙 布 糸 米 麦 茶 魚 鳥 牛 馬 花 草 葉 根 種 実 森 緑 青 赤 白 黒 黄 銀 宝 玉 星 月 日 年 春 夏 秋 冬 朝 夜""")

ZIPF_S = 1.07
ZIPF_SHIFT = 8.0  # Zipf–Mandelbrot: the very top words a little less dominant


@dataclass
class Vocabulary:
    """Filler words by rank (most common first) and their probabilities, per language."""

    en: list[str]
    ja: list[str]
    p_en: np.ndarray
    p_ja: np.ndarray

    def word(self, language: str, rank: int) -> str:
        return (self.en if language == "en" else self.ja)[rank]


def _zipf(n: int, shift: float = 0.0) -> np.ndarray:
    p = 1.0 / (np.arange(1, n + 1) + shift) ** ZIPF_S
    return p / p.sum()


def vocabulary(rare_en: int = 20_000, rare_ja: int = 12_000, seed: int = 5) -> Vocabulary:
    rng = np.random.default_rng(seed)
    en = list(dict.fromkeys(COMMON_EN))
    seen = set(en)
    target = len(en) + rare_en
    while len(en) < target:
        word = "".join(rng.choice(_EN_SYLLABLES, int(rng.integers(2, 5))))
        if len(word) >= 5 and word not in seen:
            seen.add(word)
            en.append(word)
    ja = list(dict.fromkeys(COMMON_JA))
    seen = set(ja)
    target = len(ja) + rare_ja
    while len(ja) < target:
        if rng.random() < 0.5:
            word = "".join(rng.choice(_KANA, int(rng.integers(3, 6))))
        else:
            word = "".join(rng.choice(_KANJI, int(rng.integers(2, 4))))
        if word not in seen:
            seen.add(word)
            ja.append(word)
    return Vocabulary(en, ja, _zipf(len(en), ZIPF_SHIFT), _zipf(len(ja), ZIPF_SHIFT))


def themes() -> list[dict]:
    return json.loads((DATA / "taxonomy" / "themes.json").read_text())


@dataclass
class SyntheticProduct:
    slug: str
    kind: str
    languages: list[str]
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    published_on: date
    status: str
    visibility: str
    themes: list[str] = field(default_factory=list)  # theme codes
    cities: list[int] = field(default_factory=list)  # indexes into CITIES


class Writer:
    """Sentences in English or Japanese from theme words, city names and Zipf filler."""

    def __init__(self, vocab: Vocabulary, taxonomy: list[dict], rng: np.random.Generator):
        self.vocab = vocab
        self.taxonomy = taxonomy
        self.rng = rng
        self._ranks: dict[str, tuple[list[int], int]] = {"en": ([], 0), "ja": ([], 0)}
        self._uniform: list[float] = []
        self._next = 0

    def filler(self, language: str, n: int) -> list[str]:
        ranks, at = self._ranks[language]
        if at + n > len(ranks):
            p = self.vocab.p_en if language == "en" else self.vocab.p_ja
            ranks, at = ranks[at:] + self.rng.choice(len(p), size=max(500_000, n), p=p).tolist(), 0
        self._ranks[language] = (ranks, at + n)
        words = self.vocab.en if language == "en" else self.vocab.ja
        return [words[r] for r in ranks[at : at + n]]

    def random(self) -> float:
        if self._next >= len(self._uniform):
            self._uniform, self._next = self.rng.random(500_000).tolist(), 0
        self._next += 1
        return self._uniform[self._next - 1]

    def integer(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low))

    def pick(self, items):
        return items[int(self.random() * len(items))]

    def weighted(self, cumulative: list[float], k: int = 1) -> list[int]:
        """``k`` distinct indexes drawn with the weights whose running sums are ``cumulative``."""
        out: list[int] = []
        while len(out) < k:
            i = min(bisect.bisect(cumulative, self.random() * cumulative[-1]), len(cumulative) - 1)
            if i not in out:
                out.append(i)
        return out

    def sentence_en(self, theme: dict, city: str, n: int) -> str:
        words = self.filler("en", n)
        words.insert(self.integer(0, len(words) + 1), self.pick(theme["synonyms_en"] or [theme["name_en"]]))
        if self.random() < 0.4:
            words.insert(self.integer(0, len(words) + 1), city)
        if self.random() < 0.2:
            words.insert(self.integer(0, len(words) + 1), str(self.integer(2, 2000)))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def sentence_ja(self, theme: dict, city: str, n: int) -> str:
        words = self.filler("ja", n)
        words.insert(self.integer(0, len(words) + 1), self.pick(theme["synonyms_ja"] or [theme["name_ja"]]))
        if self.random() < 0.4:
            words.insert(self.integer(0, len(words) + 1), city)
        particles = ["の", "を", "に", "と", "で", "が", "は", "や", "から"]
        out = []
        for i, w in enumerate(words):
            out.append(w)
            if i < len(words) - 1:
                out.append(self.pick(particles))
        return "".join(out) + self.pick(["を進めている。", "に取り組んだ。", "が課題である。", "を実施した。",
                                         "について報告する。", "が重要である。"])

    def texts(self, language: str, kind: str, picked: list[dict], cities: list[tuple[str, str, str]], year: int
              ) -> tuple[str, str, str]:
        main, city = picked[0], cities[0]
        if language == "en":
            name = city[0]
            topic = self.pick([main["name_en"], *main["synonyms_en"]]) if main["synonyms_en"] else main["name_en"]
            title = self.pick([
                f"{KIND_EN[kind]}: {topic} in {name}",
                f"{topic[0].upper() + topic[1:]} in {name}",
                f"How {name} approached {topic.lower()}",
                f"Lessons from {name} on {topic.lower()} ({year})",
                f"{name}: {topic.lower()} and {' '.join(self.filler('en', 2))}",
            ])
            summary = " ".join([main["description_en"]]
                               + [self.sentence_en(t, name, self.integer(8, 16)) for t in picked[:2]])
            paragraphs = []
            for _ in range(self.integer(2, 5)):
                theme = self.pick(picked)
                paragraphs.append(" ".join(self.sentence_en(theme, self.pick(cities)[0], self.integer(10, 22))
                                           for _ in range(self.integer(2, 4))))
            heading = self.pick(["Background", "Context", "What was done", "Results"])
            body = f"## {heading}\n\n" + "\n\n".join(paragraphs)
        else:
            name = city[1]
            topic = self.pick([main["name_ja"], *main["synonyms_ja"]]) if main["synonyms_ja"] else main["name_ja"]
            title = self.pick([
                f"{name}における{topic}",
                f"{KIND_JA[kind]}：{name}の{topic}",
                f"{name}の{topic}の取り組み（{year}年）",
                f"{topic}に関する{name}の経験",
            ])
            summary = main["description_ja"] + "".join(self.sentence_ja(t, name, self.integer(4, 9))
                                                       for t in picked[:2])
            paragraphs = []
            for _ in range(self.integer(2, 5)):
                theme = self.pick(picked)
                paragraphs.append("".join(self.sentence_ja(theme, self.pick(cities)[1], self.integer(5, 11))
                                          for _ in range(self.integer(2, 4))))
            body = f"## {self.pick(['背景', '概要', '取り組みの内容', '成果と課題'])}\n\n" + "\n\n".join(paragraphs)
        return title, summary, body


def products(n: int, seed: int = 13, vocab: Vocabulary | None = None) -> list[SyntheticProduct]:
    """``n`` products: ~50 % English only, ~33 % Japanese only, the rest both; 95 % published;
    90 % public, 7 % for members, 3 % internal; dates 2004–2026, more of them recent."""
    rng = np.random.default_rng(seed)
    vocab = vocab or vocabulary()
    taxonomy = [t for t in themes() if t["parent"]]  # leaves and mid-level themes, not the branches
    writer = Writer(vocab, taxonomy, rng)
    kinds = list(KIND_WEIGHTS)
    kind_c = np.cumsum(list(KIND_WEIGHTS.values())).tolist()
    theme_c = np.cumsum(_zipf(len(taxonomy)) ** 0.4).tolist()  # a few themes are much more common
    theme_order = rng.permutation(len(taxonomy)).tolist()
    city_c = np.cumsum(_zipf(len(CITIES)) ** 0.5).tolist()
    out = []
    for i in range(n):
        u = writer.random()
        languages = ["en"] if u < 0.5 else ["ja"] if u < 0.83 else ["en", "ja"]
        kind = kinds[writer.weighted(kind_c)[0]]
        picked = [taxonomy[theme_order[j]] for j in writer.weighted(theme_c, writer.integer(1, 4))]
        city_ids = writer.weighted(city_c, writer.integer(1, 3))
        cities = [CITIES[c] for c in city_ids]
        year = 2026 - int(min(22, -6 * np.log(1 - writer.random())))
        title, summary, body = {}, {}, {}
        for language in languages:
            title[language], summary[language], body[language] = writer.texts(language, kind, picked, cities, year)
        u = writer.random()
        out.append(SyntheticProduct(
            slug=f"kp-{i + 1}", kind=kind, languages=languages, title=title, summary=summary, body=body,
            published_on=date(year, writer.integer(1, 13), writer.integer(1, 29)),
            status="published" if writer.random() < 0.95 else "draft",
            visibility="public" if u < 0.90 else "members" if u < 0.97 else "internal",
            themes=[t["code"] for t in picked], cities=city_ids))
    return out
