import type { IDataObject, IExecuteFunctions, ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { SmscxClient } from '../../shared/transport';

/** What every operation gets: n8n's functions, the SMS.CX client and the credential (for the webhook secret). */
export interface OperationContext {
	fn: IExecuteFunctions;
	client: SmscxClient;
	credentials: ICredentialDataDecryptedObject;
}

export type Operation = (ctx: OperationContext, itemIndex: number) => Promise<IDataObject>;
