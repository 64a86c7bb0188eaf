// The Vant components the advisor's pages use, with their styles only (not the whole library).
import 'vant/es/button/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/field/style/index'
import 'vant/es/form/style/index'
import 'vant/es/notice-bar/style/index'
import 'vant/es/popup/style/index'
import 'vant/es/progress/style/index'
import 'vant/es/radio/style/index'
import 'vant/es/radio-group/style/index'
import 'vant/es/tab/style/index'
import 'vant/es/tabs/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import 'vant/es/tag/style/index'
import 'vant/es/toast/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/stepper/style/index'

export {
  Button, Cell, CellGroup, Empty, Field, Form, NoticeBar, Popup, Progress, Radio, RadioGroup, Stepper, Tab,
  Tabbar, TabbarItem, Tabs, Tag, showFailToast, showSuccessToast, showToast,
} from 'vant'
