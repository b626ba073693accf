//! A direct N-API entry for `createChatUserJwtToken`, the one synchronous hot path: it skips
//! napi-rs's per-call borrow registry (why and how much: ARCHITECTURE.md, "Token minting: the
//! direct N-API entry"). Installed over the generated method when the addon loads; both mint
//! through `MintsClientTokens::mint_client_token`, which `src/service.rs` implements.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;

use crate::errors::to_js_error;

/// What the direct entry needs of the class it goes on (`EthoraSDKService`, in service.rs):
/// its name, its type tag, and the minting both entries share.
pub trait MintsClientTokens: TypeTag + 'static {
    /// The class's name among the module's exports.
    const CLASS: &'static str;
    /// The token for `user_id`, expiring as `options` say (`None`: the call passed none).
    fn mint_client_token(
        &self,
        user_id: Unknown,
        options: Option<Unknown>,
    ) -> ethora_core::Result<String>;
}

/// The service `this` wraps, given `napi_unwrap`'s pointer for it.
///
/// # Safety
/// `this` carries the class's type tag (checked by the caller) and `wrapped` is what
/// `napi_unwrap` gave for it: napi-rs (pinned exactly in Cargo.toml, as 3.16.1 wraps it) wraps
/// a pointer to the value itself. `this` keeps the value alive during the callback, and no
/// method of the class takes `&mut self`, so the reference may live as long as the callback.
unsafe fn service_of<'callback, T: MintsClientTokens>(wrapped: *const T) -> &'callback T {
    // SAFETY: per this function's contract.
    unsafe { &*wrapped }
}

/// Throws a `TypeError` with `message`; the callback then returns what this returns.
///
/// # Safety
/// `env` is the live environment of the current callback.
unsafe fn throw_type_error(env: sys::napi_env, message: &std::ffi::CStr) -> sys::napi_value {
    // SAFETY: `env` is the live environment of this callback; the message is NUL-terminated.
    unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

/// `EthoraSDKService.prototype.createChatUserJwtToken`.
unsafe extern "C" fn create_chat_user_jwt_token<T: MintsClientTokens>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 2usize;
    let mut argv = [ptr::null_mut(); 2];
    let mut this = ptr::null_mut();
    // SAFETY: all pointers are valid for the callback's duration; N-API fills missing
    // arguments with `undefined`.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            &mut this,
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: `env` is this callback's environment.
        return unsafe { throw_type_error(env, c"createChatUserJwtToken: invalid call") };
    }
    let tag = <T as TypeTag>::type_tag();
    let mut is_service = false;
    // SAFETY: `this` and the tag are valid; a non-object receiver makes the call fail.
    let tagged = unsafe { sys::napi_check_object_type_tag(env, this, &tag, &mut is_service) };
    let mut wrapped: *mut std::ffi::c_void = ptr::null_mut();
    if tagged != sys::Status::napi_ok
        || !is_service
        // SAFETY: `this` is this call's receiver, checked to carry the class's tag before it
        // is unwrapped; `env` is this callback's environment.
        || unsafe { sys::napi_unwrap(env, this, &mut wrapped) } != sys::Status::napi_ok
        || wrapped.is_null()
    {
        // SAFETY: `env` is this callback's environment.
        return unsafe { throw_type_error(env, c"Illegal invocation") };
    }
    // SAFETY: the type tag was checked and `wrapped` is napi_unwrap's pointer for `this`.
    let service = unsafe { service_of::<T>(wrapped.cast()) };
    // SAFETY: N-API filled the first slot (with `undefined` when the call had no argument).
    let user_id = unsafe { Unknown::from_napi_value(env, argv[0]) };
    // SAFETY: N-API filled the second slot (with `undefined` when the call had no options).
    let options = (argc > 1).then(|| unsafe { Unknown::from_napi_value(env, argv[1]) });
    let minted = user_id
        .map_err(|_| ethora_core::EthoraError::validation("userId", ethora_core::api::ID_RULE))
        .and_then(|user_id| {
            let options = options.transpose().map_err(|_| {
                ethora_core::EthoraError::validation("options", "must be an object")
            })?;
            service.mint_client_token(user_id, options)
        });
    match minted {
        // A JWT is ASCII: it crosses as Latin-1.
        // SAFETY: `env` is this callback's environment.
        Ok(token) => match unsafe { super::js_values::js_string(env, &token) } {
            Some(result) => result,
            // SAFETY: `env` is this callback's environment.
            None => unsafe {
                throw_type_error(env, c"createChatUserJwtToken: could not create the result")
            },
        },
        Err(error) => {
            let js_env = Env::from_raw(env);
            // SAFETY: `env` is this callback's environment.
            unsafe { JsError::from(to_js_error(&js_env, &error)).throw_into(env) };
            ptr::null_mut()
        }
    }
}

/// Puts the direct entry on `EthoraSDKService.prototype` (called when the addon loads).
pub fn install<T: MintsClientTokens>(exports: &Object, env: &Env) -> Result<()> {
    let class: Unknown = exports.get_named_property(T::CLASS)?;
    let mut prototype_raw = ptr::null_mut();
    // SAFETY: `class` is a live value of this environment; the name is NUL-terminated.
    check_status!(unsafe {
        sys::napi_get_named_property(
            env.raw(),
            class.raw(),
            c"prototype".as_ptr(),
            &mut prototype_raw,
        )
    })?;
    // SAFETY: a class's `prototype` is an object of this environment.
    let mut prototype = unsafe { Object::from_napi_value(env.raw(), prototype_raw)? };
    let name = "createChatUserJwtToken";
    let mut function = ptr::null_mut();
    // SAFETY: `env` is the loading environment; the callback has the N-API signature.
    check_status!(unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr().cast(),
            name.len() as isize,
            Some(create_chat_user_jwt_token::<T>),
            ptr::null_mut(),
            &mut function,
        )
    })?;
    // SAFETY: `function` was just created in this environment.
    let function = unsafe { Unknown::from_napi_value(env.raw(), function)? };
    prototype.set_named_property(name, function)
}
