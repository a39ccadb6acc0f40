// The umbrella module: `import HISPay` brings the whole public API.
@_exported import HISPayCore
@_exported import HISPayCrypto
@_exported import HISPayCompression
@_exported import HISPayCurl
@_exported import WeChatPay
@_exported import Alipay
@_exported import UnionPay
@_exported import MedicalInsurance
@_exported import HospitalCard
@_exported import HISPayStore
@_exported import Reconciliation
@_exported import HISPayService
