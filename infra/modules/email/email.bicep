// Opt-in: Azure Communication Services email with an Azure-managed sender domain
// (DoNotReply@<guid>.azurecomm.net), linked to a Communication Services resource the monitor
// can send through. No connection string or access key is handed out: the monitor would send
// with its identity and the role in roles/email-sender.bicep.

param emailServiceName string
param communicationServiceName string

@description('Where Communication Services stores data at rest, e.g. United States, Europe, UK.')
param dataLocation string

param tags object

module emailService 'br/public:avm/res/communication/email-service:0.4.5' = {
  name: 'emailService'
  params: {
    name: emailServiceName
    dataLocation: dataLocation
    tags: tags
    domains: [
      {
        name: 'AzureManagedDomain'
        domainManagement: 'AzureManaged'
        // Alerts carry no tracking pixels and no rewritten links.
        userEngagementTracking: 'Disabled'
      }
    ]
  }
}

module communicationService 'br/public:avm/res/communication/communication-service:0.5.0' = {
  name: 'communicationService'
  params: {
    name: communicationServiceName
    dataLocation: dataLocation
    tags: tags
    linkedDomains: emailService.outputs.domainResourceIds
  }
}

output communicationServiceName string = communicationService.outputs.name
output endpoint string = 'https://${communicationService.outputs.endpoint}'
output senderAddress string = 'DoNotReply@${emailService.outputs.domainMailFromSenderDomains[0]}'
