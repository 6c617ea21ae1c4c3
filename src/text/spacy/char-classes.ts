import { CharSet } from './charset.js';

/*
 * spaCy's `lang/char_classes.py` as of 3.8 (3.5.4 and 3.8 tokenize the reference sets identically; the
 * later tables add Macedonian, Amharic and kana to the letter classes), as JS class bodies (`\U0001F300` written `\u{1f300}`). The per-script
 * upper/lower lists matter: the suffix and infix rules around `.` look at ALPHA_LOWER / ALPHA_UPPER only.
 */
const LATIN_L_EXT_A = '\\u0101\\u0103\\u0105\\u0107\\u0109\\u010B\\u010D\\u010F\\u0111\\u0113\\u0115\\u0117\\u0119\\u011B\\u011D'
  + '\\u011F\\u0121\\u0123\\u0125\\u0127\\u0129\\u012B\\u012D\\u012F\\u0131\\u0133\\u0135\\u0137\\u0138\\u013A'
  + '\\u013C\\u013E\\u0140\\u0142\\u0144\\u0146\\u0148\\u0149\\u014B\\u014D\\u014F\\u0151\\u0153\\u0155\\u0157'
  + '\\u0159\\u015B\\u015D\\u015F\\u0161\\u0163\\u0165\\u0167\\u0169\\u016B\\u016D\\u016F\\u0171\\u0173\\u0175'
  + '\\u0177\\u017A\\u017C\\u017E\\u017F';
const LATIN_U_EXT_A = '\\u0100\\u0102\\u0104\\u0106\\u0108\\u010A\\u010C\\u010E\\u0110\\u0112\\u0114\\u0116\\u0118\\u011A\\u011C'
  + '\\u011E\\u0120\\u0122\\u0124\\u0126\\u0128\\u012A\\u012C\\u012E\\u0130\\u0132\\u0134\\u0136\\u0139\\u013B'
  + '\\u013D\\u013F\\u0141\\u0143\\u0145\\u0147\\u014A\\u014C\\u014E\\u0150\\u0152\\u0154\\u0156\\u0158'
  + '\\u015A\\u015C\\u015E\\u0160\\u0162\\u0164\\u0166\\u0168\\u016A\\u016C\\u016E\\u0170\\u0172\\u0174\\u0176'
  + '\\u0178\\u0179\\u017B\\u017D';
const LATIN_U_EXT_B = '\\u0181\\u0182\\u0184\\u0186\\u0187\\u0189-\\u018B\\u018E-\\u0191\\u0193\\u0194\\u0196-\\u0198\\u019C'
  + '\\u019D\\u019F\\u01A0\\u01A2\\u01A4\\u01A6\\u01A7\\u01A9\\u01AC\\u01AE\\u01AF\\u01B1-\\u01B3\\u01B5'
  + '\\u01B7\\u01B8\\u01BC\\u01C4\\u01C7\\u01CA\\u01CD\\u01CF\\u01D1\\u01D3\\u01D5\\u01D7\\u01D9\\u01DB'
  + '\\u01DE\\u01E0\\u01E2\\u01E4\\u01E6\\u01E8\\u01EA\\u01EC\\u01EE\\u01F1\\u01F4\\u01F6-\\u01F8\\u01FA'
  + '\\u01FC\\u01FE\\u0200\\u0202\\u0204\\u0206\\u0208\\u020A\\u020C\\u020E\\u0210\\u0212\\u0214\\u0216'
  + '\\u0218\\u021A\\u021C\\u021E\\u0220\\u0222\\u0224\\u0226\\u0228\\u022A\\u022C\\u022E\\u0230\\u0232'
  + '\\u023A\\u023B\\u023D\\u023E\\u0241\\u0243-\\u0246\\u0248\\u024A\\u024C\\u024E';
const LATIN_L_EXT_B = '\\u0180\\u0183\\u0185\\u0188\\u018C\\u018D\\u0192\\u0195\\u0199-\\u019B\\u019E\\u01A1\\u01A3\\u01A5'
  + '\\u01A8\\u01AA\\u01AB\\u01AD\\u01B0\\u01B4\\u01B6\\u01B9\\u01BA\\u01BD-\\u01BF\\u01C6\\u01C9\\u01CC'
  + '\\u01CE\\u01D0\\u01D2\\u01D4\\u01D6\\u01D8\\u01DA\\u01DC\\u01DD\\u01DF\\u01E1\\u01E3\\u01E5\\u01E7'
  + '\\u01E9\\u01EB\\u01ED\\u01EF\\u01F0\\u01F3\\u01F5\\u01F9\\u01FB\\u01FD\\u01FF\\u0201\\u0203\\u0205'
  + '\\u0207\\u0209\\u020B\\u020D\\u020F\\u0211\\u0213\\u0215\\u0217\\u0219\\u021B\\u021D\\u021F\\u0221'
  + '\\u0223\\u0225\\u0227\\u0229\\u022B\\u022D\\u022F\\u0231\\u0233-\\u0239\\u023C\\u023F\\u0240\\u0242'
  + '\\u0247\\u0249\\u024B\\u024D\\u024F';
const LATIN_U_EXT_C = '\\u2C60\\u2C62-\\u2C64\\u2C67\\u2C69\\u2C6B\\u2C6D-\\u2C70\\u2C72\\u2C75\\u2C7E\\u2C7F';
const LATIN_L_EXT_C = '\\u2C61\\u2C65\\u2C66\\u2C68\\u2C6A\\u2C6C\\u2C71\\u2C73\\u2C74\\u2C76-\\u2C7B';
const LATIN_U_EXT_D = '\\uA722\\uA724\\uA726\\uA728\\uA72A\\uA72C\\uA72E\\uA732\\uA734\\uA736\\uA738\\uA73A\\uA73C'
  + '\\uA73E\\uA740\\uA742\\uA744\\uA746\\uA748\\uA74A\\uA74C\\uA74E\\uA750\\uA752\\uA754\\uA756\\uA758'
  + '\\uA75A\\uA75C\\uA75E\\uA760\\uA762\\uA764\\uA766\\uA768\\uA76A\\uA76C\\uA76E\\uA779\\uA77B\\uA77D'
  + '\\uA77E\\uA780\\uA782\\uA784\\uA786\\uA78B\\uA78D\\uA790\\uA792\\uA796\\uA798\\uA79A\\uA79C\\uA79E'
  + '\\uA7A0\\uA7A2\\uA7A4\\uA7A6\\uA7A8\\uA7AA-\\uA7AE\\uA7B0-\\uA7B4\\uA7B6\\uA7B8';
const LATIN_L_EXT_D = '\\uA723\\uA725\\uA727\\uA729\\uA72B\\uA72D\\uA72F-\\uA731\\uA733\\uA735\\uA737\\uA739\\uA73B\\uA73D'
  + '\\uA73F\\uA741\\uA743\\uA745\\uA747\\uA749\\uA74B\\uA74D\\uA74F\\uA751\\uA753\\uA755\\uA757\\uA759'
  + '\\uA75B\\uA75D\\uA75F\\uA761\\uA763\\uA765\\uA767\\uA769\\uA76B\\uA76D\\uA76F\\uA771-\\uA778\\uA77A'
  + '\\uA77C\\uA77F\\uA781\\uA783\\uA785\\uA787\\uA78C\\uA78E\\uA791\\uA793-\\uA795\\uA797\\uA799\\uA79B'
  + '\\uA79D\\uA79F\\uA7A1\\uA7A3\\uA7A5\\uA7A7\\uA7A9\\uA7AF\\uA7B5\\uA7B7\\uA7B9\\uA7FA';
const LATIN_L_EXT_E = '\\uAB30-\\uAB5A\\uAB60-\\uAB64';
const LATIN_L_PHONETIC = '\\u0250-\\u02AF\\u1D00-\\u1D25\\u1D6B-\\u1D77\\u1D79-\\u1D9A';
/** Vietnamese letters U+1E00–U+1EFF: odd code points and U+1E95–U+1E9D are lower case, the rest upper. */
function diacritics(upper: boolean): string {
  let s = '';
  for (let c = 0x1e00; c <= 0x1eff; c++) {
    const isLower = c % 2 === 1 || (c >= 0x1e95 && c <= 0x1e9d);
    if (isLower !== upper) s += `\\u${c.toString(16).toUpperCase()}`;
  }
  return s;
}

const LATIN_LOWER = 'a-z\\uFF41-\\uFF5A\\u00DF-\\u00F6\\u00F8-\\u00FF' + LATIN_L_EXT_A + LATIN_L_EXT_B + LATIN_L_EXT_C
  + LATIN_L_EXT_D + LATIN_L_EXT_E + LATIN_L_PHONETIC + diacritics(false);
const LATIN_UPPER = 'A-Z\\uFF21-\\uFF3A\\u00C0-\\u00D6\\u00D8-\\u00DE' + LATIN_U_EXT_A + LATIN_U_EXT_B + LATIN_U_EXT_C
  + LATIN_U_EXT_D + diacritics(true);
const LATIN = 'A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u00FF\\u0100-\\u017F'
  + '\\u0180-\\u01BF\\u01C4-\\u024F\\u2C60-\\u2C7B\\u2C7E\\u2C7F\\uA722-\\uA76F\\uA771-\\uA787\\uA78B-\\uA78E\\uA790-\\uA7B9\\uA7FA'
  + LATIN_L_EXT_E + LATIN_L_PHONETIC + '\\u1E00-\\u1EFF';

const CJK = '\\u4E00-\\u62FF\\u6300-\\u77FF\\u7800-\\u8CFF\\u8D00-\\u9FFF\\u3400-\\u4DBF'
  + '\\u{20000}-\\u{215FF}\\u{21600}-\\u{230FF}\\u{23100}-\\u{245FF}'
  + '\\u{24600}-\\u{260FF}\\u{26100}-\\u{275FF}\\u{27600}-\\u{290FF}'
  + '\\u{29100}-\\u{2A6DF}\\u{2A700}-\\u{2B73F}\\u{2B740}-\\u{2B81F}'
  + '\\u{2B820}-\\u{2CEAF}\\u{2CEB0}-\\u{2EBEF}\\u2E80-\\u2EFF\\u2F00-\\u2FDF'
  + '\\u2FF0-\\u2FFF\\u3000-\\u303F\\u31C0-\\u31EF\\u3200-\\u32FF\\u3300-\\u33FF'
  + '\\uF900-\\uFAFF\\uFE30-\\uFE4F\\u{1F200}-\\u{1F2FF}\\u{2F800}-\\u{2FA1F}';
const PERSIAN = '\\u0620-\\u064A\\u066E-\\u06D5\\u06E5-\\u06FF\\u0750-\\u077F\\u08A0-\\u08BD'
  + '\\uFB50-\\uFBB1\\uFBD3-\\uFD3D\\uFD50-\\uFDC7\\uFDF0-\\uFDFB\\uFE70-\\uFEFC\\u{1EE00}-\\u{1EEBB}';
const AMHARIC = '\\u1200-\\u137F';
const JAPANESE = '\\u3040-\\u309F\\u30A0-\\u30FFー';
const UNCASED = AMHARIC + '\\u0980-\\u09FF' + '\\u0591-\\u05F4\\uFB1D-\\uFB4F' + PERSIAN + '\\u0D80-\\u0DFF' + '\\u0900-\\u097F'
  + '\\u0C80-\\u0CFF' + '\\u0B80-\\u0BFF' + '\\u0C00-\\u0C7F' + '\\uAC00-\\uD7AF\\u1100-\\u11FF' + JAPANESE + CJK;

const RUSSIAN_L = 'ёа-я';
const RUSSIAN_U = 'ЁА-Я';
const TATAR_L = 'әөүҗңһ';
const TATAR_U = 'ӘӨҮҖҢҺ';
const GREEK_L = 'α-ωάέίόώήύ';
const GREEK_U = 'Α-ΩΆΈΊΌΏΉΎ';
const UKRAINIAN_L = 'а-щюяіїєґ';
const UKRAINIAN_U = 'А-ЩЮЯІЇЄҐ';
const MACEDONIAN_L = 'ѓѕјљњќѐѝ';
const MACEDONIAN_U = 'ЃЅЈЉЊЌЀЍ';

export const ALPHA = new CharSet(LATIN + RUSSIAN_L + RUSSIAN_U + TATAR_L + TATAR_U + GREEK_L + GREEK_U + UKRAINIAN_L + UKRAINIAN_U
  + MACEDONIAN_L + MACEDONIAN_U + UNCASED);
export const ALPHA_LOWER = new CharSet(LATIN_LOWER + RUSSIAN_L + TATAR_L + GREEK_L + UKRAINIAN_L + MACEDONIAN_L + UNCASED);
export const ALPHA_UPPER = new CharSet(LATIN_UPPER + RUSSIAN_U + TATAR_U + GREEK_U + UKRAINIAN_U + MACEDONIAN_U + UNCASED);
