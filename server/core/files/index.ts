/** The file use cases (uploads and their metadata), for transports to call as `files.<useCase>(deps, principal, input)`. */
export { fileSchema, type FileDto } from './file-dto';
export { getFile } from './get-file';
export { storeUpload } from './store-upload';
