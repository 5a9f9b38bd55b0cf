/** EchoHelix's wire shapes. */
import * as files from '@/server/core/files';

/** An uploaded file's metadata: EchoHelix's document uses Switchboard's own file record as it is. */
export const echohelixFile = files.fileSchema;
