import { CharSet } from './charset.js';

/** spaCy's `_other_symbols` (Unicode category So: dingbats, arrows, box drawing, emoji): LIST_ICONS / CONCAT_ICONS. */
export const ICONS = new CharSet(
  '\\u00A6\\u00A9\\u00AE\\u00B0\\u0482\\u058D\\u058E\\u060E\\u060F\\u06DE\\u06E9\\u06FD\\u06FE\\u07F6\\u09FA\\u0B70'
  + '\\u0BF3-\\u0BF8\\u0BFA\\u0C7F\\u0D4F\\u0D79\\u0F01-\\u0F03\\u0F13\\u0F15-\\u0F17\\u0F1A-\\u0F1F\\u0F34'
  + '\\u0F36\\u0F38\\u0FBE-\\u0FC5\\u0FC7-\\u0FCC\\u0FCE\\u0FCF\\u0FD5-\\u0FD8\\u109E\\u109F\\u1390-\\u1399'
  + '\\u1940\\u19DE-\\u19FF\\u1B61-\\u1B6A\\u1B74-\\u1B7C\\u2100\\u2101\\u2103-\\u2106\\u2108\\u2109\\u2114\\u2116'
  + '\\u2117\\u211E-\\u2123\\u2125\\u2127\\u2129\\u212E\\u213A\\u213B\\u214A\\u214C\\u214D\\u214F\\u218A\\u218B'
  + '\\u2195-\\u2199\\u219C-\\u219F\\u21A1\\u21A2\\u21A4\\u21A5\\u21A7-\\u21AD\\u21AF-\\u21CD\\u21D0\\u21D1\\u21D3'
  + '\\u21D5-\\u21F3\\u2300-\\u2307\\u230C-\\u231F\\u2322-\\u2328\\u232B-\\u237B\\u237D-\\u239A\\u23B4-\\u23DB'
  + '\\u23E2-\\u2426\\u2440-\\u244A\\u249C-\\u24E9\\u2500-\\u25B6\\u25B8-\\u25C0\\u25C2-\\u25F7\\u2600-\\u266E'
  + '\\u2670-\\u2767\\u2794-\\u27BF\\u2800-\\u28FF\\u2B00-\\u2B2F\\u2B45\\u2B46\\u2B4D-\\u2B73\\u2B76-\\u2B95'
  + '\\u2B98-\\u2BC8\\u2BCA-\\u2BFE\\u2CE5-\\u2CEA\\u2E80-\\u2E99\\u2E9B-\\u2EF3\\u2F00-\\u2FD5\\u2FF0-\\u2FFB'
  + '\\u3004\\u3012\\u3013\\u3020\\u3036\\u3037\\u303E\\u303F\\u3190\\u3191\\u3196-\\u319F\\u31C0-\\u31E3'
  + '\\u3200-\\u321E\\u322A-\\u3247\\u3250\\u3260-\\u327F\\u328A-\\u32B0\\u32C0-\\u32FE\\u3300-\\u33FF\\u4DC0-\\u4DFF'
  + '\\uA490-\\uA4C6\\uA828-\\uA82B\\uA836\\uA837\\uA839\\uAA77-\\uAA79\\uFDFD\\uFFE4\\uFFE8\\uFFED\\uFFEE\\uFFFC'
  + '\\uFFFD\\u{10137}-\\u{1013F}\\u{10179}-\\u{10189}\\u{1018C}-\\u{1018E}\\u{10190}-\\u{1019B}'
  + '\\u{101A0}\\u{101D0}-\\u{101FC}\\u{10877}\\u{10878}\\u{10AC8}\\u{1173F}\\u{16B3C}-\\u{16B3F}'
  + '\\u{16B45}\\u{1BC9C}\\u{1D000}-\\u{1D0F5}\\u{1D100}-\\u{1D126}\\u{1D129}-\\u{1D164}'
  + '\\u{1D16A}-\\u{1D16C}\\u{1D183}\\u{1D184}\\u{1D18C}-\\u{1D1A9}\\u{1D1AE}-\\u{1D1E8}'
  + '\\u{1D200}-\\u{1D241}\\u{1D245}\\u{1D300}-\\u{1D356}\\u{1D800}-\\u{1D9FF}\\u{1DA37}-\\u{1DA3A}'
  + '\\u{1DA6D}-\\u{1DA74}\\u{1DA76}-\\u{1DA83}\\u{1DA85}\\u{1DA86}\\u{1ECAC}\\u{1F000}-\\u{1F02B}'
  + '\\u{1F030}-\\u{1F093}\\u{1F0A0}-\\u{1F0AE}\\u{1F0B1}-\\u{1F0BF}\\u{1F0C1}-\\u{1F0CF}'
  + '\\u{1F0D1}-\\u{1F0F5}\\u{1F110}-\\u{1F16B}\\u{1F170}-\\u{1F1AC}\\u{1F1E6}-\\u{1F202}'
  + '\\u{1F210}-\\u{1F23B}\\u{1F240}-\\u{1F248}\\u{1F250}\\u{1F251}\\u{1F260}-\\u{1F265}'
  + '\\u{1F300}-\\u{1F3FA}\\u{1F400}-\\u{1F6D4}\\u{1F6E0}-\\u{1F6EC}\\u{1F6F0}-\\u{1F6F9}'
  + '\\u{1F700}-\\u{1F773}\\u{1F780}-\\u{1F7D8}\\u{1F800}-\\u{1F80B}\\u{1F810}-\\u{1F847}'
  + '\\u{1F850}-\\u{1F859}\\u{1F860}-\\u{1F887}\\u{1F890}-\\u{1F8AD}\\u{1F900}-\\u{1F90B}'
  + '\\u{1F910}-\\u{1F93E}\\u{1F940}-\\u{1F970}\\u{1F973}-\\u{1F976}\\u{1F97A}\\u{1F97C}-\\u{1F9A2}'
  + '\\u{1F9B0}-\\u{1F9B9}\\u{1F9C0}-\\u{1F9C2}\\u{1F9D0}-\\u{1F9FF}\\u{1FA60}-\\u{1FA6D}',
);

/** spaCy `_punct` (LIST_PUNCT), one entry per alternative; `……` is the only two-character one. */
export const PUNCT_LIST = ['…', '……', ',', ':', ';', '!', '?', '¿', '؟', '¡', '(', ')', '[', ']', '{', '}', '<', '>', '_', '#', '*', '&',
  '。', '？', '！', '，', '、', '；', '：', '～', '·', '।', '،', '۔', '؛', '٪'];
/** spaCy `_quotes` (LIST_QUOTES / CONCAT_QUOTES): all single characters; 3.x adds U+2329/U+232A and ⟦ ⟧. */
export const QUOTES = '\'"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉\u2329\u232a⟦⟧';
/** spaCy 3's `_currency` (LIST_CURRENCY): the classic symbols, then the whole Currency Symbols block U+20A0–U+20BF. */
export const CURRENCY_LIST = ['$', '£', '€', '¥', '฿', 'US$', 'C$', 'A$', '₽', '﷼', '₴',
  ...Array.from({ length: 0x20c0 - 0x20a0 }, (_v, i) => String.fromCharCode(0x20a0 + i))];
/** spaCy `_hyphens` (HYPHENS), in alternation order. */
export const HYPHENS_LIST = ['-', '–', '—', '--', '---', '——', '~'];
/**
 * spaCy `_units` (UNITS). The missing space between `тб` and `كم` in spaCy's source makes `тбكم` one unit
 * and drops `тб`; kept as spaCy has it.
 */
export const UNITS_LIST = ('km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft '
  + 'kg g mg µg t lb oz m/s km/h kmh mph hPa Pa mbar mb MB kb KB gb GB tb '
  + 'TB T G M K % км км² км³ м м² м³ дм дм² дм³ см см² см³ мм мм² мм³ нм '
  + 'кг г мг м/с км/ч кПа Па мбар Кб КБ кб Мб МБ мб Гб ГБ гб Тб ТБ тб'
  + 'كم كم² كم³ م م² م³ سم سم² سم³ مم مم² مم³ كم غرام جرام جم كغ ملغ كوب اكواب').split(' ');

/** Escapes a string for use as a literal in a `u`-mode RegExp, outside a class (where `\\-` is not allowed). */
export const reEscape = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
